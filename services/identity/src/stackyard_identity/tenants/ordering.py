"""Identity's side of marketplace orders for tenants: the `tenant-orders` consumer.

    tenant.create_requested.v1     a tenant record and its provisioning saga
    tenant.update_requested.v1     new quotas, pushed by the update saga
    tenant.terminate_requested.v1  the teardown saga

Each request is handled in the transaction that records it in the inbox, so a request
starts its saga exactly once. A request the tenant cannot take now (it is busy with
another saga) ends its order `erred` at once, with the reason.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_common.sagas import start_saga
from stackyard_identity.audit.recording import Actor
from stackyard_identity.tenants.attributes import TenantAttributes
from stackyard_identity.tenants.events import STATE_CHANGED, tenant_event
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.quotas import quotas_from_limits
from stackyard_identity.tenants.sagas.provisioning import update_tenant_quotas
from stackyard_identity.tenants.sagas.teardown import schedule_teardown
from stackyard_identity.tenants.service import (
    TenantRequest,
    by_marketplace_resource,
    create_tenant,
    refuse_order,
)

__all__ = ["REQUESTS", "handle_request", "tenant_orders_consumer"]

CREATE = "tenant.create_requested.v1"
UPDATE = "tenant.update_requested.v1"
TERMINATE = "tenant.terminate_requested.v1"
REQUESTS = (CREATE, UPDATE, TERMINATE)


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _actor(payload: dict[str, Any]) -> Actor:
    return Actor(_uuid(payload.get("actor_uuid")), str(payload.get("actor_username") or "system"))


async def _create(session: AsyncSession, payload: dict[str, Any]) -> None:
    resource = _uuid(payload["resource_uuid"])
    assert resource is not None
    if await by_marketplace_resource(session, resource) is not None:
        return  # made already (a repeated request under another event id)
    request = TenantRequest(
        customer=uuid.UUID(payload["customer_uuid"]),
        project=uuid.UUID(payload["project_uuid"]),
        connection=uuid.UUID(payload["cloud_connection_uuid"]),
        attributes=TenantAttributes.model_validate(payload["attributes"]),
        limits=payload.get("limits") or {},
        plugin_options=payload.get("plugin_options") or {},
        marketplace_resource=resource,
        marketplace_offering=_uuid(payload.get("offering_uuid")),
        order=_uuid(payload["order_uuid"]),
    )
    await create_tenant(session, request, _actor(payload))


async def _update(session: AsyncSession, tenant: Tenant, payload: dict[str, Any]) -> None:
    order = uuid.UUID(payload["order_uuid"])
    if tenant.state != TenantState.OK:
        await refuse_order(session, tenant, order, f"The tenant is {tenant.state}.")
        return
    tenant.state = TenantState.UPDATE_SCHEDULED.value
    await session.flush()
    quotas = quotas_from_limits(payload.get("limits") or {}, tenant.quotas)
    await start_saga(
        session, update_tenant_quotas, tenant.uuid, {"order_uuid": str(order), "quotas": quotas}
    )
    await tenant_event(session, STATE_CHANGED, tenant, order=order, actor=_actor(payload))


async def handle_request(envelope: Envelope, session: AsyncSession) -> None:
    """Act on one marketplace request (see the module's docstring)."""
    payload = envelope.payload
    if envelope.type == CREATE:
        await _create(session, payload)
        return
    resource = _uuid(payload.get("resource_uuid"))
    tenant = await by_marketplace_resource(session, resource) if resource else None
    if tenant is None:
        return  # nothing was ever made for this resource
    if envelope.type == UPDATE:
        await _update(session, tenant, payload)
    elif envelope.type == TERMINATE:
        await schedule_teardown(session, tenant, _uuid(payload["order_uuid"]), _actor(payload))


tenant_orders_consumer: Consumer = consumer("tenant-orders", routing_keys=REQUESTS)(handle_request)
