"""Keeping each tenant's flavors, images and compute zones from identity's
`tenant.properties_pulled.v1` (each list present in the event replaces the tenant's),
and finding them for requests by uuid, URL, name or the cloud's id."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_compute.availability_zones.models import InstanceAvailabilityZone
from stackyard_compute.flavors.models import Flavor, TenantImage, property_uuid

__all__ = ["find", "properties_consumer", "zone_names"]

PROPERTIES_PULLED = "tenant.properties_pulled.v1"
M = TypeVar("M", Flavor, TenantImage)


async def _replace(
    session: AsyncSession, model: Any, tenant: uuid.UUID, rows: Sequence[dict[str, Any]]
) -> None:
    keep = [row["uuid"] for row in rows]
    await session.execute(delete(model).where(model.tenant_uuid == tenant, model.uuid.not_in(keep)))
    for row in rows:
        statement = insert(model).values(row)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["uuid"],
                set_={key: statement.excluded[key] for key in row if key != "uuid"},
            )
        )


def _flavor(tenant: uuid.UUID, connection: uuid.UUID, item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "uuid": property_uuid(tenant, "flavor", str(item["id"])),
        "tenant_uuid": tenant,
        "service_settings_uuid": connection,
        "backend_id": str(item["id"]),
        "name": str(item["name"]),
        "cores": int(item.get("vcpus") or 0),
        "ram": int(item.get("ram") or 0),
        "disk": int(item.get("disk") or 0) * 1024,
    }


def _image(tenant: uuid.UUID, item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "uuid": property_uuid(tenant, "image", str(item["id"])),
        "tenant_uuid": tenant,
        "backend_id": str(item["id"]),
        "name": str(item.get("name") or ""),
        "min_disk": int(item.get("min_disk") or 0) * 1024,
        "min_ram": int(item.get("min_ram") or 0),
    }


def _zone(tenant: uuid.UUID, connection: uuid.UUID, name: str) -> dict[str, Any]:
    return {
        "uuid": property_uuid(tenant, "zone", name),
        "tenant_uuid": tenant,
        "service_settings_uuid": connection,
        "name": name,
        "available": True,
    }


async def apply_properties(envelope: Envelope, session: AsyncSession) -> None:
    """Replace the tenant's flavors, images and zones with those the event lists."""
    payload = envelope.payload
    tenant = uuid.UUID(str(payload["tenant_uuid"]))
    connection = uuid.UUID(str(payload["cloud_connection_uuid"]))
    if "flavors" in payload:
        rows = [_flavor(tenant, connection, item) for item in payload["flavors"] or []]
        await _replace(session, Flavor, tenant, rows)
    if "images" in payload:
        rows = [_image(tenant, item) for item in payload["images"] or []]
        await _replace(session, TenantImage, tenant, rows)
    if "availability_zones" in payload:
        names = sorted(set(payload["availability_zones"] or []))
        rows = [_zone(tenant, connection, name) for name in names]
        await _replace(session, InstanceAvailabilityZone, tenant, rows)


properties_consumer: Consumer = consumer("compute-properties", routing_keys=[PROPERTIES_PULLED])(
    apply_properties
)


async def find(
    session: AsyncSession, model: type[M], tenant: uuid.UUID, reference: str
) -> M | None:
    """The tenant's flavor or image given by uuid, URL, name or the cloud's id."""
    candidate = reference.rstrip("/").rsplit("/", 1)[-1]
    conditions = [model.name == reference, model.backend_id == candidate]
    with contextlib.suppress(ValueError):  # a name or a cloud id, then
        conditions.append(model.uuid == uuid.UUID(candidate))
    found = await session.execute(
        select(model).where(model.tenant_uuid == tenant, or_(*conditions)).limit(1)
    )
    return found.scalar_one_or_none()


async def zone_names(session: AsyncSession, tenant: uuid.UUID) -> list[str]:
    """Names of the tenant's compute zones (empty before the first pull)."""
    found = await session.execute(
        select(InstanceAvailabilityZone.name).where(InstanceAvailabilityZone.tenant_uuid == tenant)
    )
    return sorted(found.scalars())
