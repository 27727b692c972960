"""Alembic environment of the compute service (see stackyard_common.migrations)."""

# Imported for their tables: each domain declares its models beside its code.
import stackyard_compute.availability_zones.models
import stackyard_compute.flavors.models
import stackyard_compute.instances.models
import stackyard_compute.server_groups.models
import stackyard_compute.volumes.models  # noqa: F401
from stackyard_common.migrations import run_env
from stackyard_compute.models import Base

run_env(Base.metadata)
