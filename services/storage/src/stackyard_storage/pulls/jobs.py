"""Storage's periodic pulls, each a loop over the usable tenants
(`stackyard_common.tenants.tasks`: one transaction per tenant, a failing tenant counted
and skipped):

    pull-volumes            1 h   `tenant.pull_tenant_volumes` (snapshots and stuck
                                  creations too)
    recover-lost-volumes    6 h   `recovery.recover_lost_volumes`
    pull-volume-metadata   24 h   `metadata.pull_volume_metadata`
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.tenants import TenantRecord
from stackyard_common.tenants.tasks import tenant_job
from stackyard_storage.common.runtime import CloudClients, runtime_of
from stackyard_storage.pulls.metadata import pull_volume_metadata
from stackyard_storage.pulls.recovery import recover_lost_volumes
from stackyard_storage.pulls.tenant import pull_tenant_volumes

__all__ = ["PULL_JOBS", "PULL_VOLUMES", "PULL_VOLUME_METADATA", "RECOVER_LOST_VOLUMES"]


def _clouds(ctx: dict[str, Any]) -> CloudClients:
    return runtime_of(ctx).clouds


async def _metadata(
    session: AsyncSession, clouds: CloudClients, tenant: TenantRecord
) -> dict[str, int]:
    return {"changed": len(await pull_volume_metadata(session, clouds, tenant))}


PULL_VOLUMES = tenant_job(
    "pull-volumes", pull_tenant_volumes, clouds=_clouds, every=timedelta(hours=1)
)
RECOVER_LOST_VOLUMES = tenant_job(
    "recover-lost-volumes", recover_lost_volumes, clouds=_clouds, every=timedelta(hours=6)
)
PULL_VOLUME_METADATA = tenant_job(
    "pull-volume-metadata", _metadata, clouds=_clouds, every=timedelta(hours=24)
)
PULL_JOBS = [PULL_VOLUMES, RECOVER_LOST_VOLUMES, PULL_VOLUME_METADATA]
