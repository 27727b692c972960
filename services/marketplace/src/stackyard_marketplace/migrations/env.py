"""Alembic environment of the marketplace service (see stackyard_common.migrations)."""

# Imported for their tables: each domain declares its models beside its code.
import stackyard_marketplace.categories.models
import stackyard_marketplace.offerings.models
import stackyard_marketplace.orders.models
import stackyard_marketplace.projects.models
import stackyard_marketplace.resources.models  # noqa: F401
from stackyard_common.migrations import run_env
from stackyard_marketplace.models import Base

run_env(Base.metadata)
