"""Pulling what the cloud offers a tenant: flavors, images, volume types and
availability zones.

The services that own them (compute, storage, images) keep no tables yet: identity keeps
the latest pull in the tenant's `properties` and publishes `tenant.properties_pulled.v1`
with the same lists, for those services to project when they exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_common.sagas import StepContext
from stackyard_identity.tenants.events import PROPERTIES_PULLED, tenant_event
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail

__all__ = ["fetch_properties", "pull_properties"]

VISIBLE_IMAGES = ("public", "community")


async def fetch_properties(cloud: OpenStackClient, tenant: Tenant) -> dict[str, Any]:
    """The flavors, images (public ones and the tenant's own), volume types and zones."""
    flavors, images, types, zones = await asyncio.gather(
        cloud.compute.list_flavors(),
        cloud.image.list_images(),
        cloud.volume.list_types(),
        cloud.compute.list_availability_zones(),
    )
    return {
        "flavors": [
            {"id": f.id, "name": f.name, "vcpus": f.vcpus, "ram": f.ram, "disk": f.disk}
            for f in sorted(flavors, key=lambda f: f.name)
        ],
        "images": [
            {
                "id": i.id,
                "name": i.name,
                "min_disk": i.raw.get("min_disk", 0),
                "min_ram": i.raw.get("min_ram", 0),
                "visibility": i.raw.get("visibility"),
            }
            for i in sorted(images, key=lambda i: i.name or "")
            if i.raw.get("visibility") in VISIBLE_IMAGES or i.raw.get("owner") == tenant.backend_id
        ],
        "volume_types": [
            {"id": t.id, "name": t.name, "description": t.description or ""}
            for t in sorted(types, key=lambda t: t.name)
        ],
        "availability_zones": sorted(zones),
    }


@refusals_fail
async def pull_properties(ctx: StepContext) -> Mapping[str, Any]:
    """Pull the tenant's properties, keep them, and tell the owning services."""
    step = await TenantStep.load(ctx)
    properties = await fetch_properties(await step.cloud(), step.tenant)
    await step.save(properties=properties)
    await tenant_event(ctx.session, PROPERTIES_PULLED, step.tenant, **properties)
    return {"volume_types": [t["name"] for t in properties["volume_types"]]}
