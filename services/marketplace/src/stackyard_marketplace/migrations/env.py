"""Alembic environment of the marketplace service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_marketplace.models import Base

run_env(Base.metadata)
