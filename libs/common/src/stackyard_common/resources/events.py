"""Events about cloud resource records, each also an audit log entry in identity.

Every payload carries the audit fields identity's audit consumer reads
(`resource_type`, `resource_uuid`, `resource_name`, `message`, `actor_uuid`,
`actor_username`, `result`), `order_uuid` (null for changes nobody ordered) and the
resource's own fields; `order_result` (`done` / `erred`) when the event ends an order.
The envelope's `source` is the publishing service's name (`compute`, `storage`, ...).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal
from stackyard_common.events import Envelope, publish
from stackyard_common.resources.records import ResourceColumns, ResourceState

__all__ = ["SYSTEM", "Actor", "publish_resource_event", "resource_envelope"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a user, another service, or the platform itself."""

    uuid: uuid.UUID | None
    username: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The user `principal` speaks for."""
        return cls(principal.uuid, principal.username)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Actor:
        """The actor an incoming event or internal request names (the platform if none)."""
        value = payload.get("actor_uuid")
        return cls(
            uuid.UUID(str(value)) if value else None,
            str(payload.get("actor_username") or "system"),
        )

    def as_data(self) -> dict[str, Any]:
        """The actor as saga data or an event's fields."""
        return {
            "actor_uuid": str(self.uuid) if self.uuid else None,
            "actor_username": self.username,
        }


SYSTEM = Actor(None, "system")


def resource_envelope(
    source: str,
    kind: str,
    record: ResourceColumns,
    *,
    resource_type: str,
    message: str,
    fields: dict[str, Any],
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    **extra: Any,
) -> Envelope:
    """The event `kind` about `record` from service `source`, not yet published (pulls
    publish many at once)."""
    payload = {
        **fields,
        **extra,
        "order_uuid": str(order) if order else None,
        **actor.as_data(),
        "resource_type": resource_type,
        "resource_uuid": str(record.uuid),
        "resource_name": record.name,
        "message": message,
        "result": "failed" if record.state == ResourceState.ERRED else "succeeded",
    }
    return Envelope(
        type=kind,
        source=source,
        organisation=record.customer_uuid,
        project=record.project_uuid,
        tenant=record.tenant_uuid,
        payload=payload,
    )


async def publish_resource_event(
    session: AsyncSession,
    source: str,
    kind: str,
    record: ResourceColumns,
    *,
    resource_type: str,
    message: str,
    fields: dict[str, Any],
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    **extra: Any,
) -> None:
    """Record the event `kind` about `record` from service `source` in `session`'s
    transaction."""
    envelope = resource_envelope(
        source,
        kind,
        record,
        resource_type=resource_type,
        message=message,
        fields=fields,
        actor=actor,
        order=order,
        **extra,
    )
    await publish(session, envelope)
