"""Queries on cloud connections."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, visible_filter
from stackyard_identity.cloud_connections.models import CloudConnection

__all__ = ["by_uuid", "visible_connections"]


def _visible(principal: Principal | None) -> ColumnElement[bool]:
    if principal is None:
        return true()
    return or_(
        CloudConnection.shared.is_(True),
        visible_filter(principal, CloudConnection.customer_uuid),
    )


def visible_connections(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Shared connections and those of the caller's organisations (all for staff and
    support), matching `conditions`, by name."""
    return (
        select(CloudConnection)
        .where(_visible(principal), *conditions)
        .order_by(CloudConnection.name, CloudConnection.uuid)
    )


async def by_uuid(
    session: AsyncSession, connection: uuid.UUID, principal: Principal | None = None
) -> CloudConnection | None:
    """The connection; with `principal`, only if they may see it."""
    query = select(CloudConnection).where(CloudConnection.uuid == connection, _visible(principal))
    return (await session.execute(query)).scalar_one_or_none()
