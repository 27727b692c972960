"""The events compute publishes about instances (each also an audit log entry).

    instance.created.v1          an instance record exists (CREATION_SCHEDULED)
    instance.state_changed.v1    its state or runtime state changed; ends an order when
                                 `order_result` is set
    instance.deleted.v1          its record is gone (after DELETE or force_destroy, or
                                 when a pull found its server gone past the grace period)
    instance.imported.v1         a server found in the tenant's cloud project without a
                                 record now has one (OK), and a marketplace resource uuid
    instance.metadata_changed.v1 the server's Nova metadata changed (`metadata`)

Payloads carry `instance_uuid`, `tenant_uuid`, `project_uuid`, `customer_uuid`,
`marketplace_resource_uuid`, `backend_id`, `name`, `state`, `runtime_state`,
`error_message`, `backend_missing_since`, `flavor_name`, `cores`, `ram`, `disk`,
`internal_ips`, `external_ips`, `action` besides the audit fields. Marketplace follows
its `OpenStack.Instance` orders with them, and makes the resources of imported ones.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Envelope, publish
from stackyard_common.resources.events import SYSTEM, Actor, resource_envelope
from stackyard_compute.common.events import SOURCE
from stackyard_compute.instances.models import Instance

__all__ = [
    "CREATED",
    "DELETED",
    "IMPORTED",
    "METADATA_CHANGED",
    "STATE_CHANGED",
    "addresses",
    "instance_envelope",
    "instance_event",
]

CREATED = "instance.created.v1"
STATE_CHANGED = "instance.state_changed.v1"
DELETED = "instance.deleted.v1"
IMPORTED = "instance.imported.v1"
METADATA_CHANGED = "instance.metadata_changed.v1"
_VERBS = {
    CREATED: "was scheduled for creation",
    STATE_CHANGED: "is now {}",
    DELETED: "was deleted",
    IMPORTED: "found in the cloud without a record: imported",
    METADATA_CHANGED: "has new metadata from the cloud",
}


def addresses(instance: Instance) -> tuple[list[str], list[str]]:
    """The instance's internal (fixed) and external (floating) addresses."""
    internal = [
        str(item["ip_address"]) for port in instance.ports for item in port.get("fixed_ips", [])
    ]
    external = [str(item["address"]) for item in instance.floating_ips if item.get("address")]
    return internal, external


async def instance_event(
    session: AsyncSession,
    kind: str,
    instance: Instance,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    note: str = "",
    **extra: Any,
) -> None:
    """Record the event `kind` about `instance` in `session`'s transaction; `note` ends
    the audit message (why it happened, when the state alone does not say)."""
    envelope = instance_envelope(kind, instance, actor=actor, order=order, note=note, **extra)
    await publish(session, envelope)


def instance_envelope(
    kind: str,
    instance: Instance,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    note: str = "",
    **extra: Any,
) -> Envelope:
    """`instance_event`'s event, not yet published (pulls publish many at once)."""
    message = f"Instance {instance.name} {_VERBS[kind].format(instance.state)}."
    if instance.state == "ERRED" and instance.error_message:
        message = f"{message} {instance.error_message}"
    if note:
        message = f"{message} {note}"
    missing = instance.backend_missing_since
    internal, external = addresses(instance)
    return resource_envelope(
        SOURCE,
        kind,
        instance,
        resource_type="instance",
        message=message,
        fields={
            "instance_uuid": str(instance.uuid),
            "tenant_uuid": str(instance.tenant_uuid),
            "project_uuid": str(instance.project_uuid),
            "customer_uuid": str(instance.customer_uuid),
            "marketplace_resource_uuid": (
                str(instance.marketplace_resource_uuid)
                if instance.marketplace_resource_uuid
                else None
            ),
            "backend_id": instance.backend_id,
            "name": instance.name,
            "state": instance.state,
            "runtime_state": instance.runtime_state,
            "error_message": instance.error_message,
            "backend_missing_since": missing.isoformat() if missing else None,
            "flavor_name": instance.flavor_name,
            "cores": instance.cores,
            "ram": instance.ram,
            "disk": instance.disk,
            "internal_ips": internal,
            "external_ips": external,
            "action": instance.action,
        },
        actor=actor,
        order=order,
        **extra,
    )
