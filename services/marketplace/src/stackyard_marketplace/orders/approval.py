"""Who approves orders, and how an order moves through its states.

    created by staff or an owner of the ordering organisation      -> executing
    created by anyone else (project admin or manager)              -> pending-consumer
    pending-consumer --approve_by_consumer (staff, consumer owner) -> pending-provider,
                        or executing when the approver is staff or also owns the provider
    pending-provider --approve_by_provider (staff, provider owner) -> executing
    pending-consumer --reject_by_consumer (staff, consumer owner)  -> rejected
    pending-provider --reject_by_provider (staff, provider owner)  -> rejected
    pending-*        --cancel (its creator, staff, consumer owner) -> canceled

An order turns `executing` in the transaction that hands it to the owning service.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, PermissionDenied
from stackyard_common.auth import Principal, Role, has_role
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.orders.models import Order, OrderState, OrderType
from stackyard_marketplace.processors import processor_for
from stackyard_marketplace.resources.models import Resource, ResourceState

__all__ = [
    "ORDERING_ROLES",
    "approve",
    "finish_unexecuted",
    "initial_state",
    "reject_or_cancel",
    "start",
]

ORDERING_ROLES = (Role.CUSTOMER_OWNER, Role.PROJECT_ADMIN, Role.PROJECT_MANAGER)
STARTED_RESOURCE_STATE = {
    OrderType.CREATE: ResourceState.CREATING,
    OrderType.UPDATE: ResourceState.UPDATING,
    OrderType.TERMINATE: ResourceState.TERMINATING,
}


async def _owns(session: AsyncSession, principal: Principal, customer: uuid.UUID) -> bool:
    return await has_role(session, principal, [Role.CUSTOMER_OWNER], customer=customer)


async def initial_state(session: AsyncSession, principal: Principal, order: Order) -> OrderState:
    """Executing at once for staff and the ordering organisation's owners."""
    if await _owns(session, principal, order.customer_uuid):
        return OrderState.EXECUTING
    return OrderState.PENDING_CONSUMER


async def start(
    session: AsyncSession,
    principal: Principal,
    order: Order,
    resource: Resource,
    offering: Offering,
) -> None:
    """Make the order executing and hand it to the owning service."""
    order.state = OrderState.EXECUTING
    resource.state = STARTED_RESOURCE_STATE[OrderType(order.type)]
    await session.flush()
    await processor_for(offering).request(session, order, resource, offering, principal)


def finish_unexecuted(order: Order, resource: Resource, state: OrderState) -> None:
    """End an order that never executed: its resource is as before, or never was."""
    order.state = state
    order.completed_at = datetime.now(UTC)
    if order.type == OrderType.CREATE:
        resource.state = ResourceState.TERMINATED


async def approve(
    session: AsyncSession,
    principal: Principal,
    order: Order,
    resource: Resource,
    offering: Offering,
    side: str,
) -> None:
    """`approve_by_consumer` or `approve_by_provider` (409 from the wrong state, 403 for
    the wrong person)."""
    now = datetime.now(UTC)
    if side == "consumer":
        if order.state != OrderState.PENDING_CONSUMER:
            raise Conflict(f"An order in state {order.state} awaits no consumer approval.")
        if not await _owns(session, principal, order.customer_uuid):
            raise PermissionDenied
        order.consumer_reviewed_by, order.consumer_reviewed_at = principal.username, now
        if not await _owns(session, principal, order.provider_uuid):
            order.state = OrderState.PENDING_PROVIDER
            await session.flush()
            return
    else:
        if order.state != OrderState.PENDING_PROVIDER:
            raise Conflict(f"An order in state {order.state} awaits no provider approval.")
        if not await _owns(session, principal, order.provider_uuid):
            raise PermissionDenied
        order.provider_reviewed_by, order.provider_reviewed_at = principal.username, now
    await start(session, principal, order, resource, offering)


async def reject_or_cancel(
    session: AsyncSession, principal: Principal, order: Order, resource: Resource, action: str
) -> None:
    """`reject_by_consumer`, `reject_by_provider` or `cancel` of a pending order."""
    pending = {
        "reject_by_consumer": {OrderState.PENDING_CONSUMER},
        "reject_by_provider": {OrderState.PENDING_PROVIDER},
        "cancel": {OrderState.PENDING_CONSUMER, OrderState.PENDING_PROVIDER},
    }[action]
    if order.state not in pending:
        raise Conflict(f"An order in state {order.state} does not allow {action}.")
    if action == "reject_by_provider":
        allowed = await _owns(session, principal, order.provider_uuid)
    elif action == "reject_by_consumer":
        allowed = await _owns(session, principal, order.customer_uuid)
    else:
        allowed = order.created_by_uuid == principal.uuid or await _owns(
            session, principal, order.customer_uuid
        )
    if not allowed:
        raise PermissionDenied
    target = OrderState.CANCELED if action == "cancel" else OrderState.REJECTED
    finish_unexecuted(order, resource, target)
    await session.flush()
