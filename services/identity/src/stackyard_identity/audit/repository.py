"""Queries on the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, visible_filter
from stackyard_identity.audit.models import AuditEntry

__all__ = ["AuditFilters", "add", "visible_entries"]


def _visible(principal: Principal) -> ColumnElement[bool]:
    # As the resources: by organisation and project; besides, everyone sees what they
    # did themselves and what was done to their own user.
    if principal.sees_everything:
        return true()
    return or_(
        visible_filter(principal, AuditEntry.customer_uuid, AuditEntry.project_uuid),
        AuditEntry.actor_uuid == principal.uuid,
        AuditEntry.resource_uuid == principal.uuid,
    )


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """The list's filters; None means "any"."""

    resource_uuid: uuid.UUID | None = None
    resource_type: str | None = None
    customer_uuid: uuid.UUID | None = None
    project_uuid: uuid.UUID | None = None
    user_uuid: uuid.UUID | None = None
    event_type: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filters as SQL conditions."""
        pairs: list[tuple[Any, Any]] = [
            (AuditEntry.resource_uuid, self.resource_uuid),
            (AuditEntry.resource_type, self.resource_type),
            (AuditEntry.customer_uuid, self.customer_uuid),
            (AuditEntry.project_uuid, self.project_uuid),
            (AuditEntry.actor_uuid, self.user_uuid),
            (AuditEntry.event_type, self.event_type),
        ]
        conditions = [column == value for column, value in pairs if value is not None]
        if self.created_from is not None:
            conditions.append(AuditEntry.created >= self.created_from)
        if self.created_to is not None:
            conditions.append(AuditEntry.created <= self.created_to)
        return conditions


def visible_entries(principal: Principal, filters: AuditFilters) -> Select[Any]:
    """Entries `principal` may see matching `filters`, newest first."""
    return (
        select(AuditEntry)
        .where(_visible(principal), *filters.conditions())
        .order_by(AuditEntry.created.desc(), AuditEntry.uuid)
    )


async def add(session: AsyncSession, entry: AuditEntry) -> None:
    """Store `entry` in `session`'s transaction."""
    session.add(entry)
    await session.flush()
