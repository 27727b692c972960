"""Deciding what a principal may see and do, the same way in every service.

Seeing:
- staff and support see everything;
- an organisation role (owner, manager) sees the organisation and all inside it;
- a project role (admin, manager, member) sees the project and all inside it, and the
  organisation it belongs to (but not the organisation's other projects).

Lists filter with `visible_filter`; a single object the caller may not see is a 404
(`visible_or_404`), never a 403. Doing: writes check roles (`require_role`), and
staff-only actions answer 403 to everyone else (`ensure_staff`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import func

from stackyard_common.api.errors import NotFound, PermissionDenied
from stackyard_common.auth.memberships import memberships
from stackyard_common.auth.roles import Principal, Role, ScopeType

__all__ = [
    "customers_where",
    "ensure_staff",
    "has_role",
    "projects_where",
    "require_role",
    "roles_held",
    "visible_customer_filter",
    "visible_filter",
    "visible_or_404",
]

T = TypeVar("T")

Column = ColumnElement[Any] | QueryableAttribute[Any]
"""A column of a resource's table, as a Core column or a mapped attribute."""


def _held(principal: Principal) -> ColumnElement[bool]:
    """Memberships of `principal` that count now: active and not expired."""
    return and_(
        memberships.c.user_uuid == principal.uuid,
        memberships.c.active.is_(True),
        or_(memberships.c.expires_at.is_(None), memberships.c.expires_at > func.now()),
    )


def _roles_clause(roles: Iterable[Role] | None) -> ColumnElement[bool]:
    if roles is None:
        return true()
    return memberships.c.role.in_([role.value for role in roles])


def customers_where(principal: Principal, roles: Iterable[Role] | None = None) -> Select[Any]:
    """Uuids of the organisations where `principal` holds an organisation role (one of
    `roles`, or any)."""
    return select(memberships.c.scope_uuid).where(
        _held(principal),
        memberships.c.scope_type == ScopeType.CUSTOMER.value,
        _roles_clause(roles),
    )


def projects_where(principal: Principal, roles: Iterable[Role] | None = None) -> Select[Any]:
    """Uuids of the projects where `principal` holds a project role (one of `roles`, or
    any)."""
    return select(memberships.c.scope_uuid).where(
        _held(principal),
        memberships.c.scope_type == ScopeType.PROJECT.value,
        _roles_clause(roles),
    )


def visible_filter(
    principal: Principal,
    customer_column: Column,
    project_column: Column | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows `principal` may see, for rows that belong to the
    organisation in `customer_column` and (when given) the project in `project_column`.
    """
    if principal.sees_everything:
        return true()
    clauses = [customer_column.in_(customers_where(principal))]
    if project_column is not None:
        clauses.append(project_column.in_(projects_where(principal)))
    return or_(*clauses)


def visible_customer_filter(principal: Principal, customer_column: Column) -> ColumnElement[bool]:
    """A WHERE clause keeping the organisations `principal` may see: those where they
    hold any role, in the organisation itself or in one of its projects."""
    if principal.sees_everything:
        return true()
    return customer_column.in_(select(memberships.c.customer_uuid).where(_held(principal)))


async def roles_held(
    session: AsyncSession,
    principal: Principal,
    *,
    customer: uuid.UUID,
    project: uuid.UUID | None = None,
) -> frozenset[Role]:
    """The roles `principal` holds now in organisation `customer` and in `project`."""
    scopes = [customer] if project is None else [customer, project]
    rows = await session.execute(
        select(memberships.c.role).where(
            _held(principal),
            memberships.c.scope_uuid.in_(scopes),
            memberships.c.customer_uuid == customer,
        )
    )
    return frozenset(Role(value) for value in rows.scalars())


async def has_role(
    session: AsyncSession,
    principal: Principal,
    roles: Iterable[Role],
    *,
    customer: uuid.UUID,
    project: uuid.UUID | None = None,
) -> bool:
    """Whether `principal` is staff or holds one of `roles` in `customer` or `project`.

    Support is not enough: support sees everything but changes nothing by being support.
    """
    if principal.is_staff:
        return True
    held = await roles_held(session, principal, customer=customer, project=project)
    return not held.isdisjoint(roles)


async def require_role(
    session: AsyncSession,
    principal: Principal,
    roles: Iterable[Role],
    *,
    customer: uuid.UUID,
    project: uuid.UUID | None = None,
) -> None:
    """Raise `PermissionDenied` (403) unless `has_role`.

    Check visibility first (`visible_or_404`): a caller who may not see an object must
    get a 404 for it, not a 403.
    """
    if not await has_role(session, principal, roles, customer=customer, project=project):
        raise PermissionDenied


def ensure_staff(principal: Principal) -> None:
    """Raise `PermissionDenied` (403) unless `principal` is staff."""
    if not principal.is_staff:
        raise PermissionDenied


def visible_or_404(found: T | None) -> T:
    """`found` itself; `NotFound` (404) when the visible-filtered lookup found nothing.

    Look objects up with `visible_filter` in the query, then pass the result here: an
    object that exists but is hidden from the caller is indistinguishable from none.
    """
    if found is None:
        raise NotFound
    return found
