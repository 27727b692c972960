"""Pushing a tenant's quotas to Nova, Cinder and Neutron (all three at once)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_common.sagas import StepContext
from stackyard_identity.tenants.quotas import cloud_quotas, volume_type_key
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail

__all__ = ["push_cloud_quotas", "push_quotas"]


@refusals_fail
async def push_quotas(ctx: StepContext) -> Mapping[str, Any] | None:
    """Set the cloud's quotas to the tenant's (or to `data["quotas"]`, an update's new
    ones); per volume type in dynamic storage mode. Setting a quota twice is harmless."""
    step = await TenantStep.load(ctx)
    cloud = await step.cloud()
    quotas = ctx.data.get("quotas") or step.tenant.quotas
    mode = str(step.options.get("storage_mode", "fixed"))
    await push_cloud_quotas(cloud, step.tenant.backend_id, quotas, mode)
    return None


async def push_cloud_quotas(
    cloud: OpenStackClient, project_id: str, quotas: Mapping[str, int], storage_mode: str
) -> dict[str, dict[str, int]]:
    """Set project `project_id`'s Nova, Cinder and Neutron quotas to the platform
    `quotas` (all three at once); the quota sets sent. Quotas `quotas` leaves out are
    not touched."""
    types: dict[str, str] = {}
    if storage_mode == "dynamic":
        types = {volume_type_key(t.name): t.name for t in await cloud.volume.list_types()}
    sets = cloud_quotas(quotas, storage_mode, types)
    calls: list[Awaitable[dict[str, int]]] = []
    if sets["compute"]:
        calls.append(cloud.compute.set_quotas(project_id, **sets["compute"]))
    if sets["volume"]:
        calls.append(cloud.volume.set_quotas(project_id, **sets["volume"]))
    if sets["network"]:
        calls.append(cloud.network.set_quotas(project_id, **sets["network"]))
    await asyncio.gather(*calls)
    return sets
