"""The events the network service publishes about its resources.

    <kind>.created.v1    a record exists (scheduled for creation, or found in the cloud)
    <kind>.updated.v1    its state or its attributes changed (an action ended, a pull)
    <kind>.deleted.v1    its record is gone (deleted in the cloud, vanished, or unlinked)

with `<kind>` one of `network`, `subnet`, `router`, `port`, `floating_ip`,
`security_group`, `rbac_policy`. Every payload has `uuid`, `tenant_uuid`, `backend_id`,
`name`, `state`, `runtime_state`, `error_message`, what the kind adds (ports: `device_id`,
`device_owner`, `fixed_ips`, `network_backend_id`, ...; floating IPs: `address`,
`port_uuid`, `device_id`, ...), and the audit fields identity's audit log reads
(`resource_type`, `resource_uuid`, `resource_name`, `message`, `actor_uuid`,
`actor_username`, `result`). Compute follows its instances' ports and floating IPs
with them; identity records each as an audit entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal
from stackyard_common.events import Envelope, publish
from stackyard_network.resources.kinds import KINDS

__all__ = [
    "CREATED",
    "DELETED",
    "SOURCE",
    "SYSTEM",
    "UPDATED",
    "Actor",
    "resource_envelope",
    "resource_event",
]

SOURCE = "network"
CREATED = "created"
UPDATED = "updated"
DELETED = "deleted"

_VERBS = {CREATED: "was created", UPDATED: "was updated", DELETED: "was deleted"}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a user, another service, or the platform itself."""

    uuid: uuid.UUID | None
    username: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The user `principal` speaks for."""
        return cls(principal.uuid, principal.username)

    def data(self) -> dict[str, str | None]:
        """The actor as saga data (and back with `from_data`)."""
        return {"actor_uuid": str(self.uuid) if self.uuid else None, "actor": self.username}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Actor:
        raw = data.get("actor_uuid")
        return cls(uuid.UUID(raw) if raw else None, str(data.get("actor") or "system"))


SYSTEM = Actor(None, "system")


def resource_envelope(
    kind: str,
    change: str,
    record: Any,
    *,
    actor: Actor = SYSTEM,
    message: str | None = None,
    **extra: Any,
) -> Envelope:
    """The event `<kind>.<change>.v1` about `record` as it is now (for `publish_many`)."""
    described = KINDS[kind]
    name = record.name or record.backend_id or str(record.uuid)
    if message is None:
        message = f"{described.label} {name} {_VERBS[change]}."
        if record.state == "ERRED" and record.error_message:
            message = f"{message} {record.error_message}"
    payload = {
        "uuid": str(record.uuid),
        "tenant_uuid": str(record.tenant_uuid),
        "backend_id": record.backend_id,
        "name": record.name,
        "state": record.state,
        "runtime_state": record.runtime_state,
        "error_message": record.error_message,
        **described.payload(record),
        **extra,
        "resource_type": kind,
        "resource_uuid": str(record.uuid),
        "resource_name": record.name,
        "message": message,
        "actor_uuid": str(actor.uuid) if actor.uuid else None,
        "actor_username": actor.username,
        "result": "failed" if record.state == "ERRED" else "succeeded",
    }
    return Envelope(
        type=f"{kind}.{change}.v1",
        source=SOURCE,
        organisation=record.customer_uuid,
        project=record.project_uuid,
        tenant=record.tenant_uuid,
        payload=payload,
    )


async def resource_event(
    session: AsyncSession,
    kind: str,
    change: str,
    record: Any,
    *,
    actor: Actor = SYSTEM,
    message: str | None = None,
    **extra: Any,
) -> None:
    """Publish `<kind>.<change>.v1` about `record` in `session`'s transaction."""
    envelope = resource_envelope(kind, change, record, actor=actor, message=message, **extra)
    await publish(session, envelope)
