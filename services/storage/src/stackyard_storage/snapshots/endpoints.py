"""`/api/openstack-snapshots/` (see `common.copy_endpoints`)."""

from stackyard_storage.common.copy_endpoints import copy_router
from stackyard_storage.snapshots.service import snapshots

__all__ = ["router"]

router = copy_router("/api/openstack-snapshots", snapshots, "OpenStack.Snapshot")
