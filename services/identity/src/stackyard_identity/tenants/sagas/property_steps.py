"""Pulling what the cloud offers a tenant: flavors, images, volume types and
availability zones.

The services that own them (compute, storage, images) keep no tables yet: identity keeps
the latest pull in the tenant's `properties` and publishes `tenant.properties_pulled.v1`
with the same lists, for those services to project when they exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_common.sagas import StepContext
from stackyard_identity.tenants.events import PROPERTIES_PULLED, tenant_event
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail

__all__ = ["PARTS", "fetch_properties", "pull_properties"]

VISIBLE_IMAGES = ("public", "community")
PARTS = ("flavors", "images", "volume_types", "availability_zones")


async def _flavors(cloud: OpenStackClient, tenant: Tenant) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "name": f.name, "vcpus": f.vcpus, "ram": f.ram, "disk": f.disk}
        for f in sorted(await cloud.compute.list_flavors(), key=lambda f: f.name)
    ]


async def _images(cloud: OpenStackClient, tenant: Tenant) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "name": i.name,
            "min_disk": i.raw.get("min_disk", 0),
            "min_ram": i.raw.get("min_ram", 0),
            "visibility": i.raw.get("visibility"),
        }
        for i in sorted(await cloud.image.list_images(), key=lambda i: i.name or "")
        if i.raw.get("visibility") in VISIBLE_IMAGES or i.raw.get("owner") == tenant.backend_id
    ]


async def _volume_types(cloud: OpenStackClient, tenant: Tenant) -> list[dict[str, Any]]:
    return [
        {"id": t.id, "name": t.name, "description": t.description or ""}
        for t in sorted(await cloud.volume.list_types(), key=lambda t: t.name)
    ]


async def _zones(cloud: OpenStackClient, tenant: Tenant) -> list[str]:
    return sorted(await cloud.compute.list_availability_zones())


_FETCHERS = {
    "flavors": _flavors,
    "images": _images,
    "volume_types": _volume_types,
    "availability_zones": _zones,
}


async def fetch_properties(
    cloud: OpenStackClient, tenant: Tenant, parts: Sequence[str] = PARTS
) -> dict[str, Any]:
    """The flavors, images (public ones and the tenant's own), volume types and zones
    the cloud offers the tenant (those of `parts`)."""
    found = await asyncio.gather(*(_FETCHERS[part](cloud, tenant) for part in parts))
    return dict(zip(parts, found, strict=True))


@refusals_fail
async def pull_properties(ctx: StepContext) -> Mapping[str, Any]:
    """Pull the tenant's properties (`data["parts"]`, else all), keep them, and tell the
    owning services."""
    step = await TenantStep.load(ctx)
    parts = [part for part in ctx.data.get("parts") or PARTS if part in _FETCHERS]
    pulled = await fetch_properties(await step.cloud(), step.tenant, parts)
    await step.save(properties={**step.tenant.properties, **pulled})
    await tenant_event(ctx.session, PROPERTIES_PULLED, step.tenant, **pulled)
    return {"volume_types": [t["name"] for t in step.tenant.properties.get("volume_types", [])]}
