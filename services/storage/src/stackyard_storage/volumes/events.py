"""The events storage publishes about volumes (each also an audit log entry).

    volume.created.v1          a volume record exists (CREATION_SCHEDULED)
    volume.imported.v1         a volume found in the tenant's cloud project without a
                               record has one now (OK, a new `marketplace_resource_uuid`)
    volume.updated.v1          its name, description or metadata changed
    volume.state_changed.v1    its state changed (or its attachment, size, runtime state);
                               ends an order when `order_result` is set
    volume.deleted.v1          its record is gone

Payloads carry `volume_uuid`, `tenant_uuid`, `marketplace_resource_uuid`, `backend_id`,
`name`, `size` (MiB), `type_name`, `availability_zone`, `bootable`, `state`,
`runtime_state`, `error_message`, `instance_uuid`, `device`, `role`, `metadata` (the
Cinder metadata as last pulled), `backend_missing_since`, besides the audit
fields (`stackyard_common.resources.events`). Compute keeps its projection of volumes from these;
marketplace follows its `OpenStack.Volume` orders with them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Envelope, publish
from stackyard_common.resources.events import SYSTEM, Actor, resource_envelope
from stackyard_storage.common.events import SOURCE
from stackyard_storage.volumes.models import Volume

__all__ = [
    "CREATED",
    "DELETED",
    "IMPORTED",
    "STATE_CHANGED",
    "UPDATED",
    "volume_envelope",
    "volume_event",
    "volume_fields",
]

CREATED = "volume.created.v1"
IMPORTED = "volume.imported.v1"
UPDATED = "volume.updated.v1"
STATE_CHANGED = "volume.state_changed.v1"
DELETED = "volume.deleted.v1"

_VERBS = {
    CREATED: "was scheduled for creation",
    IMPORTED: "found in the cloud without a record: imported",
    UPDATED: "was changed",
    STATE_CHANGED: "is now {state}",
    DELETED: "was deleted",
}


def volume_fields(volume: Volume) -> dict[str, Any]:
    """What every volume event says about the volume."""
    return {
        "volume_uuid": str(volume.uuid),
        "tenant_uuid": str(volume.tenant_uuid),
        "marketplace_resource_uuid": (
            str(volume.marketplace_resource_uuid) if volume.marketplace_resource_uuid else None
        ),
        "backend_id": volume.backend_id,
        "name": volume.name,
        "size": volume.size,
        "type_name": volume.type_name,
        "availability_zone": volume.availability_zone,
        "bootable": volume.bootable,
        "state": volume.state,
        "runtime_state": volume.runtime_state,
        "error_message": volume.error_message,
        "instance_uuid": str(volume.instance_uuid) if volume.instance_uuid else None,
        "device": volume.device,
        "role": volume.role,
        "metadata": dict(volume.cloud_metadata or {}),
        "backend_missing_since": (
            volume.backend_missing_since.isoformat() if volume.backend_missing_since else None
        ),
    }


def volume_envelope(
    kind: str,
    volume: Volume,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    message: str | None = None,
    **extra: Any,
) -> Envelope:
    """The event `kind` about `volume`, not yet published (its audit message said by
    `kind`, unless `message` says more)."""
    if message is None:
        message = f"Volume {volume.name} {_VERBS[kind].format(state=volume.state)}."
        if kind == STATE_CHANGED and volume.state == "ERRED" and volume.error_message:
            message = f"{message} {volume.error_message}"
    return resource_envelope(
        SOURCE,
        kind,
        volume,
        resource_type="volume",
        message=message,
        fields=volume_fields(volume),
        actor=actor,
        order=order,
        **extra,
    )


async def volume_event(
    session: AsyncSession,
    kind: str,
    volume: Volume,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    message: str | None = None,
    **extra: Any,
) -> None:
    """Record the event `kind` about `volume` in `session`'s transaction."""
    envelope = volume_envelope(kind, volume, actor=actor, order=order, message=message, **extra)
    await publish(session, envelope)
