"""Following an order to its end: identity's tenant events move orders and resources.

    tenant.state_changed.v1  state OK     executing order -> done, resource -> OK
                                          (an update's limits become the resource's)
                             state ERRED  executing order -> erred, resource -> Erred,
                                          both with the cloud's message
                             other states nothing: marketplace set them when it started
    tenant.deleted.v1                     executing order -> done, resource -> Terminated

An event names its order (`order_uuid`): only that order, and only while it executes,
moves, so late or repeated events change nothing. An event without an order (staff's
`set_ok`, `set_erred`, a direct deletion) moves the resource only while none of its
orders executes. A tenant that turns OK for a creation order gets its private offerings
(`private_offerings`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_marketplace.orders import repository as orders
from stackyard_marketplace.orders.models import Order, OrderState, OrderType
from stackyard_marketplace.resources.models import Resource, ResourceState

__all__ = ["TENANT_ANSWERS", "apply_tenant_event", "tenant_answers_consumer"]

STATE_CHANGED = "tenant.state_changed.v1"
DELETED = "tenant.deleted.v1"
TENANT_ANSWERS = (STATE_CHANGED, DELETED)


def _uuid(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


async def _resource(session: AsyncSession, resource: uuid.UUID | None) -> Resource | None:
    if resource is None:
        return None
    query = select(Resource).where(Resource.uuid == resource).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


def _finish(order: Order, state: OrderState, error: str = "") -> None:
    order.state = state
    order.error_message = error
    order.completed_at = datetime.now(UTC)


async def apply_tenant_event(envelope: Envelope, session: AsyncSession) -> None:
    """Move the order and resource an identity tenant event is about (idempotent)."""
    payload = envelope.payload
    resource = await _resource(session, _uuid(payload.get("resource_uuid")))
    if resource is None:
        return  # a tenant nobody ordered through the marketplace
    tenant = _uuid(payload.get("tenant_uuid"))
    if tenant is not None and resource.backend_uuid is None:
        resource.backend_uuid = tenant
    if payload.get("backend_id"):
        resource.backend_id = str(payload["backend_id"])
    order_uuid = _uuid(payload.get("order_uuid"))
    order = await orders.by_uuid(session, order_uuid, lock=True) if order_uuid else None
    if order is not None and order.state != OrderState.EXECUTING:
        return
    if order is None and await orders.open_order_of(session, resource.uuid) is not None:
        return
    state = payload.get("state")
    if envelope.type == DELETED:
        resource.state = ResourceState.TERMINATED
        if order is not None:
            _finish(order, OrderState.DONE)
    elif state == "OK":
        resource.state = ResourceState.OK
        resource.error_message = ""
        if order is not None:
            if order.type == OrderType.UPDATE:
                resource.limits = order.limits
            _finish(order, OrderState.DONE)
    elif state == "ERRED":
        message = str(payload.get("error_message") or "The backend failed.")
        resource.state = ResourceState.ERRED
        resource.error_message = message
        if order is not None:
            _finish(order, OrderState.ERRED, message)
    await session.flush()


tenant_answers_consumer: Consumer = consumer("tenant-answers", routing_keys=TENANT_ANSWERS)(
    apply_tenant_event
)
