"""Alembic environment of the compute service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_compute.models import Base

run_env(Base.metadata)
