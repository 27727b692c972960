"""Alembic environment of the identity service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_identity.models import Base

run_env(Base.metadata)
