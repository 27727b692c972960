"""The events identity publishes about tenants (each also an audit log entry).

    tenant.created.v1             a tenant record exists (CREATION_SCHEDULED)
    tenant.updated.v1             its name, description or zone changed
    tenant.state_changed.v1       its state changed; ends an order when `order_result` is set
    tenant.properties_pulled.v1   the flavors, images, volume types and zones the cloud offers it
    tenant.deleted.v1             its record is gone (after a teardown, or unlinked)

Every payload has `tenant_uuid` (also `resource_uuid`, the audited resource),
`marketplace_resource_uuid`, `order_uuid` (null for changes nobody ordered),
`cloud_connection_uuid`, `backend_id`, `name`, `state`, `error_message` and the network
ids; `order_result` is `done` or `erred` when the event ends the named order. Other
services project tenants from these; marketplace follows its orders with them. No
payload carries a password.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_identity.audit.recording import SYSTEM, Actor, record_change
from stackyard_identity.tenants.models import Tenant

__all__ = [
    "CREATED",
    "DELETED",
    "PROPERTIES_PULLED",
    "STATE_CHANGED",
    "UPDATED",
    "tenant_event",
    "tenant_payload",
]

CREATED = "tenant.created.v1"
UPDATED = "tenant.updated.v1"
STATE_CHANGED = "tenant.state_changed.v1"
PROPERTIES_PULLED = "tenant.properties_pulled.v1"
DELETED = "tenant.deleted.v1"

_VERBS = {
    CREATED: "was scheduled for creation",
    UPDATED: "was changed",
    STATE_CHANGED: "is now {state}",
    PROPERTIES_PULLED: "had its flavors, images, volume types and zones pulled",
    DELETED: "was deleted",
}


def tenant_payload(tenant: Tenant, order: uuid.UUID | None = None) -> dict[str, Any]:
    """What every tenant event says about the tenant."""
    return {
        "tenant_uuid": str(tenant.uuid),
        "marketplace_resource_uuid": (
            str(tenant.marketplace_resource_uuid) if tenant.marketplace_resource_uuid else None
        ),
        "order_uuid": str(order) if order else None,
        "cloud_connection_uuid": str(tenant.connection_uuid),
        "name": tenant.name,
        "state": tenant.state,
        "error_message": tenant.error_message,
        "backend_id": tenant.backend_id,
        "internal_network_id": tenant.internal_network_id,
        "subnet_id": tenant.subnet_id,
        "router_id": tenant.router_id,
        "external_network_id": tenant.external_network_id,
        "storage_mode": tenant.options.get("storage_mode", "fixed"),
    }


async def tenant_event(
    session: AsyncSession,
    kind: str,
    tenant: Tenant,
    *,
    order: uuid.UUID | None = None,
    actor: Actor = SYSTEM,
    **extra: Any,
) -> None:
    """Record the event `kind` about `tenant` in `session`'s transaction."""
    verb = _VERBS[kind].format(state=tenant.state)
    message = f"Tenant {tenant.name} {verb}."
    if kind == STATE_CHANGED and tenant.error_message and tenant.state == "ERRED":
        message = f"{message} {tenant.error_message}"
    await record_change(
        session,
        actor,
        kind,
        message,
        resource_type="tenant",
        resource_uuid=tenant.uuid,
        resource_name=tenant.name,
        customer=tenant.customer_uuid,
        project=tenant.project_uuid,
        data={**tenant_payload(tenant, order), **extra},
        result="failed" if tenant.state == "ERRED" else "succeeded",
    )
