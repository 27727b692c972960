"""Queries on tenants: visible to staff and support, and to whoever holds a role in the
tenant's organisation or project."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, visible_filter
from stackyard_identity.tenants.models import Tenant

__all__ = ["by_uuid", "visible_tenant", "visible_tenants"]


def visible_tenants(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Tenants `principal` may see, matching `conditions`, by name."""
    return (
        select(Tenant)
        .where(visible_filter(principal, Tenant.customer_uuid, Tenant.project_uuid), *conditions)
        .order_by(Tenant.name, Tenant.uuid)
    )


async def visible_tenant(
    session: AsyncSession, principal: Principal, tenant: uuid.UUID, lock: bool = False
) -> Tenant | None:
    """The tenant, if `principal` may see it (row-locked with `lock`)."""
    query = select(Tenant).where(
        Tenant.uuid == tenant, visible_filter(principal, Tenant.customer_uuid, Tenant.project_uuid)
    )
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def by_uuid(session: AsyncSession, tenant: uuid.UUID) -> Tenant | None:
    """The tenant, whoever asks (for internal callers that are not users)."""
    return (await session.execute(select(Tenant).where(Tenant.uuid == tenant))).scalar_one_or_none()
