"""Changing and terminating marketplace resources: both are orders, checked and
approved like any other (see `orders.approval`), handed to the owning service when they
execute. A resource takes one order at a time (409 while another is open)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, PermissionDenied
from stackyard_common.auth import Principal, customers_where, has_role, visible_filter
from stackyard_marketplace.offerings import repository as offerings
from stackyard_marketplace.orders import approval
from stackyard_marketplace.orders import repository as orders
from stackyard_marketplace.orders.limits import check_limits
from stackyard_marketplace.orders.models import Order, OrderState, OrderType
from stackyard_marketplace.orders.service import new_order
from stackyard_marketplace.resources.models import Resource, ResourceState

__all__ = ["get_visible", "place_change", "visible_resources"]

ALLOWED_FROM = {
    OrderType.UPDATE: {ResourceState.OK},
    OrderType.TERMINATE: {ResourceState.OK, ResourceState.ERRED},
}


def visible_resources(principal: Principal) -> ColumnElement[bool]:
    """Resources `principal` may see (consumer and provider side)."""
    if principal.sees_everything:
        return true()
    return or_(
        visible_filter(principal, Resource.customer_uuid, Resource.project_uuid),
        Resource.provider_uuid.in_(customers_where(principal)),
    )


async def get_visible(
    session: AsyncSession, principal: Principal, resource: uuid.UUID, lock: bool = False
) -> Resource:
    """The resource if `principal` may see it; `NotFound` otherwise."""
    query = select(Resource).where(Resource.uuid == resource, visible_resources(principal))
    if lock:
        query = query.with_for_update()
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return found


async def place_change(
    session: AsyncSession,
    principal: Principal,
    resource: Resource,
    kind: OrderType,
    *,
    limits: dict[str, int] | None = None,
    attributes: dict[str, Any] | None = None,
) -> Order:
    """Place an update (new limits) or termination order for `resource`."""
    allowed = await has_role(
        session,
        principal,
        approval.ORDERING_ROLES,
        customer=resource.customer_uuid,
        project=resource.project_uuid,
    )
    if not allowed:
        raise PermissionDenied
    if resource.state not in ALLOWED_FROM[kind]:
        raise Conflict(f"A resource in state {resource.state} does not allow this.")
    if await orders.open_order_of(session, resource.uuid) is not None:
        raise Conflict("The resource has an order in progress.")
    offering = await offerings.by_uuid(session, resource.offering_uuid)
    assert offering is not None  # the foreign key
    checked: dict[str, int] = {}
    if kind is OrderType.UPDATE:
        components = (await offerings.components_of(session, [offering.uuid])).get(
            offering.uuid, []
        )
        plan = (
            await offerings.plan_by_uuid(session, resource.plan_uuid)
            if resource.plan_uuid
            else None
        )
        checked = check_limits(components, plan, {**resource.limits, **(limits or {})})
    order = new_order(principal, kind, resource, checked, attributes or {})
    session.add(order)
    await session.flush()
    state = await approval.initial_state(session, principal, order)
    if state is OrderState.EXECUTING:
        await approval.start(session, principal, order, resource, offering)
    else:
        order.state = state
    await session.flush()
    return order
