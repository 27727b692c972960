"""Keeping compute's projection of volumes in step with storage's `volume.*.v1` events
(idempotent and order-proof; a deleted volume keeps its row, marked `deleted`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_compute.volumes.models import VolumeRecord

__all__ = ["VOLUME_EVENTS", "apply_volume_event", "attached_to", "volumes_consumer"]

VOLUME_EVENTS = (
    "volume.created.v1",
    "volume.imported.v1",  # found in the cloud without a record by storage's recovery
    "volume.updated.v1",
    "volume.state_changed.v1",
    "volume.deleted.v1",
)


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


async def apply_volume_event(envelope: Envelope, session: AsyncSession) -> None:
    """Bring the projection in step with one volume event."""
    payload = envelope.payload
    if envelope.type not in VOLUME_EVENTS or not payload.get("volume_uuid"):
        return
    values = {
        "uuid": uuid.UUID(str(payload["volume_uuid"])),
        "tenant_uuid": uuid.UUID(str(payload["tenant_uuid"])),
        "instance_uuid": _uuid(payload.get("instance_uuid")),
        "name": str(payload.get("name") or ""),
        "backend_id": str(payload.get("backend_id") or ""),
        "size": int(payload.get("size") or 0),
        "type_name": str(payload.get("type_name") or ""),
        "bootable": bool(payload.get("bootable")),
        "device": str(payload.get("device") or ""),
        "role": str(payload.get("role") or ""),
        "state": str(payload.get("state") or ""),
        "runtime_state": str(payload.get("runtime_state") or ""),
        "deleted": envelope.type == "volume.deleted.v1",
        "version": envelope.occurred_at,
    }
    statement = insert(VolumeRecord).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["uuid"],
            set_={name: statement.excluded[name] for name in values if name != "uuid"},
            where=VolumeRecord.version < statement.excluded.version,
        )
    )


async def attached_to(session: AsyncSession, instance: uuid.UUID) -> list[VolumeRecord]:
    """The live volumes storage last said are attached to `instance`, by name."""
    found = await session.execute(
        select(VolumeRecord)
        .where(VolumeRecord.instance_uuid == instance, VolumeRecord.deleted.is_(False))
        .order_by(VolumeRecord.bootable.desc(), VolumeRecord.name)
    )
    return list(found.scalars())


volumes_consumer: Consumer = consumer("compute-volumes", routing_keys=VOLUME_EVENTS)(
    apply_volume_event
)
