"""Keeping each tenant's volume types and zones, and finding them for requests.

tenant.properties_pulled.v1 (with volume_types)   the tenant's types replaced at once,
                                                  and the `pull-volume-zones` saga
                                                  started to read Cinder's zones
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_common.resources.steps import cloud_step, refusals_fail
from stackyard_common.sagas import Saga, StepContext, start_saga
from stackyard_storage.common.runtime import runtime_of
from stackyard_storage.volume_types.models import (
    VolumeAvailabilityZone,
    VolumeType,
    property_uuid,
)

__all__ = [
    "find_type",
    "properties_consumer",
    "pull_volume_zones",
    "replace_types",
    "replace_zones",
    "zone_names",
]

PROPERTIES_PULLED = "tenant.properties_pulled.v1"


async def replace_types(
    session: AsyncSession,
    tenant: uuid.UUID,
    connection: uuid.UUID,
    types: Sequence[Mapping[str, Any]],
) -> None:
    """Make `types` (`id`, `name`, `description`) the tenant's volume types."""
    ids = [str(item["id"]) for item in types]
    await session.execute(
        delete(VolumeType).where(
            VolumeType.tenant_uuid == tenant, VolumeType.backend_id.not_in(ids)
        )
    )
    for item in types:
        values = {
            "uuid": property_uuid(tenant, "volume_type", str(item["id"])),
            "tenant_uuid": tenant,
            "service_settings_uuid": connection,
            "backend_id": str(item["id"]),
            "name": str(item["name"]),
            "description": str(item.get("description") or ""),
        }
        statement = insert(VolumeType).values(values)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["uuid"],
                set_={key: statement.excluded[key] for key in ("name", "description")},
            )
        )


async def replace_zones(
    session: AsyncSession, tenant: uuid.UUID, connection: uuid.UUID, names: Iterable[str]
) -> None:
    """Make `names` the tenant's volume availability zones."""
    wanted = sorted(set(names))
    await session.execute(
        delete(VolumeAvailabilityZone).where(
            VolumeAvailabilityZone.tenant_uuid == tenant,
            VolumeAvailabilityZone.name.not_in(wanted),
        )
    )
    for name in wanted:
        statement = insert(VolumeAvailabilityZone).values(
            uuid=property_uuid(tenant, "zone", name),
            tenant_uuid=tenant,
            service_settings_uuid=connection,
            name=name,
            available=True,
        )
        await session.execute(statement.on_conflict_do_nothing(index_elements=["uuid"]))


async def find_type(session: AsyncSession, tenant: uuid.UUID, reference: str) -> VolumeType | None:
    """The tenant's volume type named `reference`, or with that cloud id, uuid or URL."""
    candidate = reference.rstrip("/").rsplit("/", 1)[-1]
    conditions = [VolumeType.name == reference, VolumeType.backend_id == candidate]
    with contextlib.suppress(ValueError):  # a name or a cloud id, then
        conditions.append(VolumeType.uuid == uuid.UUID(candidate))
    found = await session.execute(
        select(VolumeType).where(VolumeType.tenant_uuid == tenant, or_(*conditions)).limit(1)
    )
    return found.scalar_one_or_none()


async def zone_names(session: AsyncSession, tenant: uuid.UUID) -> list[str]:
    """Names of the tenant's volume availability zones (empty before the first pull)."""
    found = await session.execute(
        select(VolumeAvailabilityZone.name).where(VolumeAvailabilityZone.tenant_uuid == tenant)
    )
    return sorted(found.scalars())


@refusals_fail
async def _pull_zones(ctx: StepContext) -> None:
    runtime = runtime_of(ctx.services)
    client = await runtime.clouds.client(ctx.resource_uuid)
    names = await client.volume.list_availability_zones()
    await replace_zones(
        ctx.session, ctx.resource_uuid, uuid.UUID(str(ctx.data["cloud_connection_uuid"])), names
    )


pull_volume_zones = Saga("pull-volume-zones", steps=[cloud_step("pull-zones", _pull_zones)])
"""Reads a tenant's Cinder availability zones (its resource is the tenant)."""


async def apply_properties(envelope: Envelope, session: AsyncSession) -> None:
    """Keep the volume types identity pulled, and read the volume zones."""
    payload = envelope.payload
    tenant = uuid.UUID(str(payload["tenant_uuid"]))
    connection = uuid.UUID(str(payload["cloud_connection_uuid"]))
    if "volume_types" in payload:
        await replace_types(session, tenant, connection, payload["volume_types"] or [])
    await start_saga(session, pull_volume_zones, tenant, {"cloud_connection_uuid": str(connection)})


properties_consumer: Consumer = consumer("storage-properties", routing_keys=[PROPERTIES_PULLED])(
    apply_properties
)
