"""Compute's periodic jobs, each a loop over the usable tenants
(`stackyard_common.tenants.tasks`: one transaction per tenant, a failing tenant counted
and skipped):

    pull-instances              1 h   `pull.pull_tenant_instances` (stuck creations too)
    recover-lost-instances      6 h   `recovery.recover_lost_instances`
    refresh-instance-metadata  24 h   `metadata.refresh_instance_metadata`
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stackyard_common.tenants.tasks import tenant_job
from stackyard_compute.common.runtime import CloudClients, runtime_of
from stackyard_compute.instances.metadata import refresh_instance_metadata
from stackyard_compute.instances.pull import pull_tenant_instances
from stackyard_compute.instances.recovery import recover_lost_instances

__all__ = ["PULL_INSTANCES", "RECOVER_LOST_INSTANCES", "REFRESH_INSTANCE_METADATA"]


def _clouds(ctx: dict[str, Any]) -> CloudClients:
    return runtime_of(ctx).clouds


PULL_INSTANCES = tenant_job(
    "pull-instances", pull_tenant_instances, clouds=_clouds, every=timedelta(hours=1)
)
RECOVER_LOST_INSTANCES = tenant_job(
    "recover-lost-instances", recover_lost_instances, clouds=_clouds, every=timedelta(hours=6)
)
REFRESH_INSTANCE_METADATA = tenant_job(
    "refresh-instance-metadata",
    refresh_instance_metadata,
    clouds=_clouds,
    every=timedelta(hours=24),
)
