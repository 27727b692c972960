"""Queries on organisations and projects."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, visible_customer_filter, visible_filter
from stackyard_identity.customers.models import Customer, Project

__all__ = [
    "count_projects",
    "customer_by_uuid",
    "customers_by_uuid",
    "project_by_uuid",
    "visible_customers",
    "visible_projects",
]


def visible_customers(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """The organisations `principal` may see, matching `conditions`, by name."""
    return (
        select(Customer)
        .where(visible_customer_filter(principal, Customer.uuid), *conditions)
        .order_by(Customer.name, Customer.uuid)
    )


def visible_projects(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """The projects `principal` may see, matching `conditions`, by name."""
    return (
        select(Project)
        .where(visible_filter(principal, Project.customer_uuid, Project.uuid), *conditions)
        .order_by(Project.name, Project.uuid)
    )


async def customer_by_uuid(
    session: AsyncSession, customer: uuid.UUID, principal: Principal | None = None
) -> Customer | None:
    """The organisation; with `principal`, only if they may see it."""
    query = select(Customer).where(Customer.uuid == customer)
    if principal is not None:
        query = query.where(visible_customer_filter(principal, Customer.uuid))
    return (await session.execute(query)).scalar_one_or_none()


async def customers_by_uuid(
    session: AsyncSession, uuids: set[uuid.UUID]
) -> dict[uuid.UUID, Customer]:
    """The organisations among `uuids`, by uuid."""
    if not uuids:
        return {}
    found = await session.execute(select(Customer).where(Customer.uuid.in_(uuids)))
    return {customer.uuid: customer for customer in found.scalars()}


async def project_by_uuid(
    session: AsyncSession, project: uuid.UUID, principal: Principal | None = None
) -> Project | None:
    """The project; with `principal`, only if they may see it."""
    query = select(Project).where(Project.uuid == project)
    if principal is not None:
        query = query.where(visible_filter(principal, Project.customer_uuid, Project.uuid))
    return (await session.execute(query)).scalar_one_or_none()


async def count_projects(session: AsyncSession, customer: uuid.UUID) -> int:
    """How many projects organisation `customer` has."""
    found = await session.execute(
        select(func.count()).select_from(Project).where(Project.customer_uuid == customer)
    )
    return int(found.scalar_one())
