"""Alembic environment of the network service (see stackyard_common.migrations)."""

# Imported for their tables: each domain declares its models beside its code.
import stackyard_network.tables  # noqa: F401
from stackyard_common.migrations import run_env
from stackyard_network.models import Base

run_env(Base.metadata)
