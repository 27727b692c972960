"""Queries on role grants."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_identity.models import User
from stackyard_identity.roles.models import RoleGrant

__all__ = [
    "find",
    "grants_by_username",
    "grants_with_users",
    "users_by_uuid",
]


async def find(
    session: AsyncSession, user: uuid.UUID, scope: uuid.UUID, role: str
) -> RoleGrant | None:
    """The grant of `role` to `user` in `scope`, or None."""
    found = await session.execute(
        select(RoleGrant).where(
            RoleGrant.user_uuid == user, RoleGrant.scope_uuid == scope, RoleGrant.role == role
        )
    )
    return found.scalar_one_or_none()


def grants_with_users(scope: uuid.UUID) -> Select[RoleGrant, User]:
    """Grants in `scope` with their users, by username then role."""
    return (
        select(RoleGrant, User)
        .join(User, User.uuid == RoleGrant.user_uuid)
        .where(RoleGrant.scope_uuid == scope)
        .order_by(User.username, RoleGrant.role)
    )


def grants_by_username(scope: uuid.UUID) -> Select[Any]:
    """Grants in `scope`, ordered by their users' names then role."""
    return (
        select(RoleGrant)
        .join(User, User.uuid == RoleGrant.user_uuid)
        .where(RoleGrant.scope_uuid == scope)
        .order_by(User.username, RoleGrant.role)
    )


async def users_by_uuid(session: AsyncSession, uuids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    """The users among `uuids`, by uuid."""
    if not uuids:
        return {}
    found = await session.execute(select(User).where(User.uuid.in_(uuids)))
    return {user.uuid: user for user in found.scalars()}
