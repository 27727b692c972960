"""Pulling what the cloud offers a tenant: flavors, images, volume types and
availability zones.

The services that own them (compute, storage, images) keep no tables yet: identity keeps
the latest pull in the tenant's `properties` and publishes `tenant.properties_pulled.v1`
with the same lists, for those services to project when they exist.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_common.sagas import StepContext
from stackyard_identity.tenants.events import PROPERTIES_PULLED, tenant_event
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail

__all__ = ["CACHE_SECONDS", "PARTS", "PropertyCache", "fetch_properties", "pull_properties"]

VISIBLE_IMAGES = ("public", "community")
PARTS = ("flavors", "images", "volume_types", "availability_zones")
CACHE_SECONDS = 30.0
PROVISIONING = "provision-tenant"

PropertyCache = dict[tuple[str, str], tuple[float, "asyncio.Task[list[Any]]"]]
"""What the cloud listed (or is listing), by connection and part, with when it was asked."""


async def _flavors(cloud: OpenStackClient) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "name": f.name, "vcpus": f.vcpus, "ram": f.ram, "disk": f.disk}
        for f in sorted(await cloud.compute.list_flavors(), key=lambda f: f.name)
    ]


async def _images(cloud: OpenStackClient) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "name": i.name,
            "min_disk": i.raw.get("min_disk", 0),
            "min_ram": i.raw.get("min_ram", 0),
            "visibility": i.raw.get("visibility"),
            "owner": i.raw.get("owner"),
        }
        for i in sorted(await cloud.image.list_images(), key=lambda i: i.name or "")
    ]


async def _volume_types(cloud: OpenStackClient) -> list[dict[str, Any]]:
    return [
        {"id": t.id, "name": t.name, "description": t.description or ""}
        for t in sorted(await cloud.volume.list_types(), key=lambda t: t.name)
    ]


async def _zones(cloud: OpenStackClient) -> list[str]:
    return sorted(await cloud.compute.list_availability_zones())


_FETCHERS: dict[str, Callable[[OpenStackClient], Awaitable[list[Any]]]] = {
    "flavors": _flavors,
    "images": _images,
    "volume_types": _volume_types,
    "availability_zones": _zones,
}


def _for_tenant(part: str, found: list[Any], tenant: Tenant) -> list[Any]:
    if part != "images":
        return found
    return [
        {key: value for key, value in image.items() if key != "owner"}
        for image in found
        if image["visibility"] in VISIBLE_IMAGES or image["owner"] == tenant.backend_id
    ]


async def fetch_properties(
    cloud: OpenStackClient,
    tenant: Tenant,
    parts: Sequence[str] = PARTS,
    cache: PropertyCache | None = None,
) -> dict[str, Any]:
    """The flavors, images (public ones and the tenant's own), volume types and zones
    the cloud offers the tenant (those of `parts`). With `cache`, what the cloud said
    for any tenant of the connection in the last `CACHE_SECONDS` is used again."""

    async def one(part: str) -> list[Any]:
        if cache is None:
            return await _FETCHERS[part](cloud)
        key = (str(tenant.connection_uuid), part)
        held = cache.get(key)
        if held is None or time.monotonic() - held[0] >= CACHE_SECONDS:
            # The task is shared: tenants that ask while it runs wait for the same answer.
            held = (time.monotonic(), asyncio.ensure_future(_FETCHERS[part](cloud)))
            cache[key] = held
        try:
            return await asyncio.shield(held[1])
        except Exception:
            if cache.get(key) is held:
                del cache[key]  # a failure is not remembered
            raise

    found = await asyncio.gather(*(one(part) for part in parts))
    return {
        part: _for_tenant(part, items, tenant) for part, items in zip(parts, found, strict=True)
    }


@refusals_fail
async def pull_properties(ctx: StepContext) -> Mapping[str, Any]:
    """Pull the tenant's properties (`data["parts"]`, else all), keep them, and tell the
    owning services."""
    step = await TenantStep.load(ctx)
    parts = [part for part in ctx.data.get("parts") or PARTS if part in _FETCHERS]
    # A new tenant sees what every tenant of its cloud sees: fifty tenants made at once
    # need not ask the cloud fifty times. A pull someone asked for always asks.
    cache = step.runtime.property_cache if ctx.saga == PROVISIONING else None
    pulled = await fetch_properties(await step.cloud(), step.tenant, parts, cache)
    await step.save(properties={**step.tenant.properties, **pulled})
    await tenant_event(ctx.session, PROPERTIES_PULLED, step.tenant, **pulled)
    return {"volume_types": [t["name"] for t in step.tenant.properties.get("volume_types", [])]}
