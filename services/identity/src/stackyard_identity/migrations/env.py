"""Alembic environment of the identity service (see stackyard_common.migrations)."""

# Imported for their tables: each domain declares its models beside its code.
import stackyard_identity.audit.models
import stackyard_identity.cloud_connections.models
import stackyard_identity.customers.models
import stackyard_identity.keys
import stackyard_identity.roles.models
import stackyard_identity.tenants.models  # noqa: F401
from stackyard_common.migrations import run_env
from stackyard_identity.models import Base

run_env(Base.metadata)
