"""Queries on orders: the consumer side (organisation and project roles) and the
provider side (organisation roles in the providing organisation) both see an order."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, customers_where, visible_filter
from stackyard_marketplace.orders.models import FINAL_ORDER_STATES, Order

__all__ = ["by_uuid", "open_order_of", "visible_orders", "visible_to"]


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Orders `principal` may see."""
    if principal.sees_everything:
        return true()
    return or_(
        visible_filter(principal, Order.customer_uuid, Order.project_uuid),
        Order.provider_uuid.in_(customers_where(principal)),
    )


def visible_orders(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Orders `principal` may see, matching `conditions`, newest first."""
    return (
        select(Order)
        .where(visible_to(principal), *conditions)
        .order_by(Order.created.desc(), Order.uuid)
    )


async def by_uuid(
    session: AsyncSession, order: uuid.UUID, principal: Principal | None = None, lock: bool = False
) -> Order | None:
    """The order (only if `principal` may see it, when given; row-locked with `lock`)."""
    query = select(Order).where(Order.uuid == order)
    if principal is not None:
        query = query.where(visible_to(principal))
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def open_order_of(session: AsyncSession, resource: uuid.UUID) -> Order | None:
    """An order of the resource that has not ended, if there is one."""
    query = (
        select(Order)
        .where(Order.resource_uuid == resource, Order.state.not_in(list(FINAL_ORDER_STATES)))
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()
