"""Alembic environment of the storage service (see stackyard_common.migrations)."""

# Imported for their tables: each domain declares its models beside its code.
import stackyard_storage.backups.models
import stackyard_storage.snapshots.models
import stackyard_storage.volume_types.models
import stackyard_storage.volumes.models  # noqa: F401
from stackyard_common.migrations import run_env
from stackyard_storage.models import Base

run_env(Base.metadata)
