"""What snapshots and backups share: both are copies of a volume, kept until an optional
`kept_until` (a job removes expired ones), restorable into a new volume.

Their events (`snapshot.*.v1`, `backup.*.v1`: created, state_changed, deleted) carry
`<kind>_uuid`, `tenant_uuid`, `backend_id`, `name`, `size` (MiB), `state`,
`runtime_state`, `error_message`, `source_volume_uuid` and `kept_until`, besides the
audit fields.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Uuid
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.events import Envelope, publish
from stackyard_common.resources.events import SYSTEM, Actor, resource_envelope
from stackyard_common.resources.records import ResourceColumns
from stackyard_storage.common.events import SOURCE

__all__ = ["CopyColumns", "copy_envelope", "copy_event"]

_VERBS = {
    "created": "was scheduled for creation",
    "state_changed": "is now {state}",
    "deleted": "was deleted",
}


class CopyColumns(ResourceColumns):
    """A copy of a volume: its size (MiB), its source and how long it is kept."""

    size: Mapped[int] = mapped_column(Integer, default=0)
    source_volume_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    source_volume_name: Mapped[str] = mapped_column(String(150), default="")
    kept_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


def copy_envelope(
    kind: str,
    record: CopyColumns,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    **extra: Any,
) -> Envelope:
    """The event `kind` (`snapshot.deleted.v1`, ...) about `record`, not yet published."""
    resource_type, action = kind.split(".")[0], kind.split(".")[1]
    message = f"{resource_type.capitalize()} {record.name} "
    message += _VERBS[action].format(state=record.state) + "."
    if record.state == "ERRED" and record.error_message and action == "state_changed":
        message = f"{message} {record.error_message}"
    return resource_envelope(
        SOURCE,
        kind,
        record,
        resource_type=resource_type,
        message=message,
        fields={
            f"{resource_type}_uuid": str(record.uuid),
            "tenant_uuid": str(record.tenant_uuid),
            "backend_id": record.backend_id,
            "name": record.name,
            "size": record.size,
            "state": record.state,
            "runtime_state": record.runtime_state,
            "error_message": record.error_message,
            "source_volume_uuid": (
                str(record.source_volume_uuid) if record.source_volume_uuid else None
            ),
            "kept_until": record.kept_until.isoformat() if record.kept_until else None,
        },
        actor=actor,
        order=order,
        **extra,
    )


async def copy_event(
    session: AsyncSession,
    kind: str,
    record: CopyColumns,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    **extra: Any,
) -> None:
    """Record the event `kind` (`snapshot.deleted.v1`, ...) about `record`."""
    await publish(session, copy_envelope(kind, record, actor=actor, order=order, **extra))
