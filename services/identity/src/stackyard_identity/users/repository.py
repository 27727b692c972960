"""Queries on users."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, customers_where, memberships, projects_where
from stackyard_identity.models import User

__all__ = ["UserFilters", "by_username", "by_uuid", "visible_users", "visible_users_filter"]


def visible_users_filter(principal: Principal) -> ColumnElement[bool]:
    """Users `principal` may see: everyone for staff and support; otherwise themselves
    and whoever holds a role where they hold one (their organisations, their projects)."""
    if principal.sees_everything:
        return true()
    colleagues = select(memberships.c.user_uuid).where(
        memberships.c.active.is_(True),
        or_(
            memberships.c.customer_uuid.in_(customers_where(principal)),
            memberships.c.scope_uuid.in_(projects_where(principal)),
        ),
    )
    return or_(User.uuid == principal.uuid, User.uuid.in_(colleagues))


class UserFilters:
    """The list's query parameters, as SQL conditions."""

    def __init__(
        self,
        username: str | None = None,
        email: str | None = None,
        full_name: str | None = None,
        is_active: bool | None = None,
        is_staff: bool | None = None,
        is_support: bool | None = None,
    ) -> None:
        self.conditions: list[ColumnElement[bool]] = []
        if username is not None:
            self.conditions.append(User.username == username)
        if email is not None:
            self.conditions.append(User.email.ilike(email))
        if full_name is not None:
            self.conditions.append(User.full_name.icontains(full_name, autoescape=True))
        for column, value in (
            (User.is_active, is_active),
            (User.is_staff, is_staff),
            (User.is_support, is_support),
        ):
            if value is not None:
                self.conditions.append(column.is_(value))


def visible_users(principal: Principal, filters: UserFilters) -> Select[Any]:
    """The users `principal` may see that match `filters`, by username."""
    return (
        select(User)
        .where(visible_users_filter(principal), *filters.conditions)
        .order_by(User.username)
    )


async def by_uuid(
    session: AsyncSession, user: uuid.UUID, principal: Principal | None = None
) -> User | None:
    """The user `user`; with `principal`, only if they may see it."""
    query = select(User).where(User.uuid == user)
    if principal is not None:
        query = query.where(visible_users_filter(principal))
    return (await session.execute(query)).scalar_one_or_none()


async def by_username(session: AsyncSession, username: str) -> User | None:
    """The user called `username` (exactly), or None."""
    found = await session.execute(select(User).where(User.username == username))
    return found.scalar_one_or_none()
