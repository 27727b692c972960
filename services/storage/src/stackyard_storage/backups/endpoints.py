"""`/api/openstack-backups/` (see `common.copy_endpoints`)."""

from stackyard_storage.backups.service import backups
from stackyard_storage.common.copy_endpoints import copy_router

__all__ = ["router"]

router = copy_router("/api/openstack-backups", backups, "OpenStack.Backup")
