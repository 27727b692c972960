"""Recording changes: one call writes the audit entry and publishes the event.

Identity's own changes are recorded here, in the transaction of the change; other
services' events reach the audit log through the consumer in `audit.consumers`, built
into entries by the same `entry_from_envelope`.

An event's payload may say who acted and on what, with the keys `actor_uuid`,
`actor_username`, `resource_type`, `resource_uuid`, `resource_name`, `message` and
`result` (`succeeded` or `failed`); the rest of it becomes the entry's context.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal
from stackyard_common.events import Envelope, publish
from stackyard_identity.audit.models import AuditEntry

__all__ = ["SOURCE", "SYSTEM", "Actor", "entry_from_envelope", "record_change"]

SOURCE = "identity"
_ENTRY_KEYS = (
    "actor_uuid",
    "actor_username",
    "resource_type",
    "resource_uuid",
    "resource_name",
    "message",
    "result",
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a user, a service, or the platform itself."""

    uuid: uuid.UUID | None
    username: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The user `principal` speaks for."""
        return cls(principal.uuid, principal.username)


SYSTEM = Actor(None, "system")


def _uuid(value: Any) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def entry_from_envelope(envelope: Envelope) -> AuditEntry:
    """The audit entry that records `envelope`."""
    payload = envelope.payload
    resource_type = str(payload.get("resource_type") or envelope.type.split(".")[0])
    return AuditEntry(
        uuid=envelope.id,
        created=envelope.occurred_at,
        event_type=envelope.type,
        source=envelope.source,
        message=str(payload.get("message") or envelope.type),
        actor_uuid=_uuid(payload.get("actor_uuid")),
        actor_username=str(payload.get("actor_username") or ""),
        resource_type=resource_type,
        resource_uuid=_uuid(payload.get("resource_uuid")) or envelope.tenant,
        resource_name=str(payload.get("resource_name") or ""),
        customer_uuid=envelope.organisation,
        project_uuid=envelope.project,
        result=str(payload.get("result") or "succeeded"),
        context={key: value for key, value in payload.items() if key not in _ENTRY_KEYS},
    )


async def record_change(
    session: AsyncSession,
    actor: Actor,
    event_type: str,
    message: str,
    *,
    resource_type: str,
    resource_uuid: uuid.UUID | None,
    resource_name: str = "",
    customer: uuid.UUID | None = None,
    project: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    result: str = "succeeded",
    publish_event: bool = True,
) -> Envelope:
    """Record a change in `session`'s transaction: an audit entry, and (unless
    `publish_event` is false) the event in the outbox. `data` must hold no secret: it is
    both the event's payload and the entry's context."""
    envelope = Envelope(
        type=event_type,
        source=SOURCE,
        organisation=customer,
        project=project,
        payload={
            **(data or {}),
            "actor_uuid": str(actor.uuid) if actor.uuid else None,
            "actor_username": actor.username,
            "resource_type": resource_type,
            "resource_uuid": str(resource_uuid) if resource_uuid else None,
            "resource_name": resource_name,
            "message": message,
            "result": result,
        },
    )
    if publish_event:
        await publish(session, envelope)
    session.add(entry_from_envelope(envelope))
    await session.flush()
    return envelope
