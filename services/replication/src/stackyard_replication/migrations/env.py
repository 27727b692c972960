"""Alembic environment of the replication service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_replication.models import Base

run_env(Base.metadata)
