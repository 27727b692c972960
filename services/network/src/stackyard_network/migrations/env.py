"""Alembic environment of the network service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_network.models import Base

run_env(Base.metadata)
