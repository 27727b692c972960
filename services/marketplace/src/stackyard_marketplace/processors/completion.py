"""Following an order to its end: identity's tenant events move orders and resources.

Identity's answers (`tenant.state_changed.v1`, `tenant.deleted.v1`) carry the tenant
(`tenant_uuid`, `backend_id`, `state`, `error_message`), the marketplace resource
(`marketplace_resource_uuid`) and the order they concern (`order_uuid`); the one that
ends an order says how in `order_result`:

    order_result done    the order is done; the resource is OK (its limits the update's),
                         or Terminated after `tenant.deleted.v1`
    order_result erred   the order is erred with `order_error` or the tenant's message;
                         the resource is Erred (OK again when the tenant refused an
                         update or termination and stays as it was)
    no order_result      nothing: marketplace set the transitional states itself

A creation order that ends done gives the tenant its private offerings (when
`AUTOMATICALLY_CREATE_PRIVATE_OFFERING`); a deleted tenant's are archived.
`tenant.properties_pulled.v1` adds the cloud's new volume types to the dynamic-mode
offerings of the tenant (see `private_offerings`).

Only an executing order moves, so late or repeated answers change nothing. An answer
without an order (staff's `set_ok` / `set_erred`, a deletion nobody ordered) moves the
resource only while none of its orders is open.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.orders import repository as orders
from stackyard_marketplace.orders.models import Order, OrderState, OrderType
from stackyard_marketplace.private_offerings import (
    archive_for_tenant,
    create_for_tenant,
    sync_volume_types,
)
from stackyard_marketplace.resources.models import Resource, ResourceState
from stackyard_marketplace.settings import marketplace_settings

__all__ = ["TENANT_ANSWERS", "apply_tenant_event", "tenant_answers_consumer"]

STATE_CHANGED = "tenant.state_changed.v1"
DELETED = "tenant.deleted.v1"
PROPERTIES_PULLED = "tenant.properties_pulled.v1"
TENANT_ANSWERS = (STATE_CHANGED, DELETED, PROPERTIES_PULLED)


async def _after(
    session: AsyncSession, resource: Resource, kind: str, payload: dict[str, Any], created: bool
) -> None:
    # What a finished order means beyond itself: the tenant's private offerings.
    if kind == DELETED and resource.backend_uuid is not None:
        await archive_for_tenant(session, resource.backend_uuid)
    elif created and marketplace_settings().automatically_create_private_offering:
        await create_for_tenant(session, resource, payload.get("volume_types") or [])


async def _sync_properties(
    session: AsyncSession, resource: Resource, payload: dict[str, Any]
) -> None:
    volume_types = [str(item["name"]) for item in payload.get("volume_types") or []]
    if not volume_types or resource.backend_uuid is None:
        return
    private = await session.execute(
        select(Offering.uuid).where(Offering.scope_uuid == resource.backend_uuid)
    )
    await sync_volume_types(session, [resource.offering_uuid, *private.scalars()], volume_types)


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


def _end_order(order: Order, resource: Resource, kind: str, payload: dict[str, Any]) -> None:
    if payload.get("order_result") == "done":
        _finish(order, OrderState.DONE)
        resource.error_message = ""
        if kind == DELETED:
            resource.state = ResourceState.TERMINATED
        else:
            resource.state = ResourceState.OK
            if order.type == OrderType.UPDATE:
                resource.limits = order.limits
        return
    message = str(
        payload.get("order_error") or payload.get("error_message") or "The backend failed."
    )
    _finish(order, OrderState.ERRED, message)
    if payload.get("state") == "ERRED" or order.type == OrderType.CREATE:
        resource.state = ResourceState.ERRED
        resource.error_message = message
    else:
        resource.state = ResourceState.OK  # refused: the tenant stays as it was


def _follow(resource: Resource, kind: str, payload: dict[str, Any]) -> None:
    state = payload.get("state")
    if kind == DELETED:
        resource.state = ResourceState.TERMINATED
    elif state == "OK":
        resource.state, resource.error_message = ResourceState.OK, ""
    elif state == "ERRED":
        resource.state = ResourceState.ERRED
        resource.error_message = str(payload.get("error_message") or "")


async def apply_tenant_event(envelope: Envelope, session: AsyncSession) -> None:
    """Move the order and resource an identity tenant event is about (idempotent)."""
    payload = envelope.payload
    resource = await _resource(session, _uuid(payload.get("marketplace_resource_uuid")))
    if resource is None:
        return  # a tenant nobody ordered through the marketplace
    tenant = _uuid(payload.get("tenant_uuid"))
    if tenant is not None and resource.backend_uuid is None:
        resource.backend_uuid = tenant
    if payload.get("backend_id"):
        resource.backend_id = str(payload["backend_id"])
    if envelope.type == PROPERTIES_PULLED:
        await _sync_properties(session, resource, payload)
        await session.flush()
        return
    order_uuid = _uuid(payload.get("order_uuid"))
    if order_uuid is not None:
        order = await orders.by_uuid(session, order_uuid, lock=True)
        if (
            order is not None
            and order.state == OrderState.EXECUTING
            and payload.get("order_result")
        ):
            _end_order(order, resource, envelope.type, payload)
            created = order.type == OrderType.CREATE and order.state == OrderState.DONE
            await _after(session, resource, envelope.type, payload, created)
    elif await orders.open_order_of(session, resource.uuid) is None:
        _follow(resource, envelope.type, payload)
        await _after(session, resource, envelope.type, payload, created=False)
    await session.flush()


tenant_answers_consumer: Consumer = consumer("tenant-answers", routing_keys=TENANT_ANSWERS)(
    apply_tenant_event
)
