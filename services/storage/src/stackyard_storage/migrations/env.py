"""Alembic environment of the storage service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_storage.models import Base

run_env(Base.metadata)
