"""Queries on offerings, their components and plans.

Who sees what:
- provider view (`/api/marketplace-provider-offerings/`): staff and support see every
  offering; others those of organisations where they hold an organisation role;
- public view (`/api/marketplace-public-offerings/`, and what may be ordered): active or
  paused offerings that are shared, or private to a project the caller may see.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, customers_where, projects_where
from stackyard_marketplace.offerings.models import (
    Offering,
    OfferingComponent,
    OfferingState,
    Plan,
)
from stackyard_marketplace.projects.models import ProjectRecord

__all__ = [
    "by_uuid",
    "components_of",
    "plan_by_uuid",
    "plans_of",
    "provider_filter",
    "public_filter",
    "sees_project",
]


def provider_filter(principal: Principal) -> ColumnElement[bool]:
    """Offerings `principal` sees as a provider."""
    if principal.sees_everything:
        return true()
    return Offering.customer_uuid.in_(customers_where(principal))


def sees_project(principal: Principal, project_column: Any) -> ColumnElement[bool]:
    """Rows of projects `principal` may see: by a project role, or an organisation role
    in the project's organisation (from the projects projection)."""
    if principal.sees_everything:
        return true()
    in_their_organisations = select(ProjectRecord.uuid).where(
        ProjectRecord.customer_uuid.in_(customers_where(principal))
    )
    return or_(
        project_column.in_(projects_where(principal)),
        project_column.in_(in_their_organisations),
    )


def public_filter(principal: Principal, project: uuid.UUID | None = None) -> ColumnElement[bool]:
    """Offerings in the public catalogue for `principal` (for `project`, when given:
    the shared ones and those private to it)."""
    listed = Offering.state.in_([OfferingState.ACTIVE, OfferingState.PAUSED])
    private = and_(Offering.shared.is_(False), sees_project(principal, Offering.project_uuid))
    if project is not None:
        private = and_(private, Offering.project_uuid == project)
    return and_(listed, or_(Offering.shared.is_(True), private))


async def by_uuid(
    session: AsyncSession, offering: uuid.UUID, *conditions: ColumnElement[bool]
) -> Offering | None:
    """The offering, if it matches `conditions`."""
    query = select(Offering).where(Offering.uuid == offering, *conditions)
    return (await session.execute(query)).scalar_one_or_none()


async def components_of(
    session: AsyncSession, offerings: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[OfferingComponent]]:
    """The components of each offering, by type."""
    found: dict[uuid.UUID, list[OfferingComponent]] = defaultdict(list)
    rows = await session.execute(
        select(OfferingComponent)
        .where(OfferingComponent.offering_uuid.in_(list(offerings)))
        .order_by(OfferingComponent.type)
    )
    for component in rows.scalars():
        found[component.offering_uuid].append(component)
    return found


async def plans_of(
    session: AsyncSession, offerings: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Plan]]:
    """The plans of each offering, by name."""
    found: dict[uuid.UUID, list[Plan]] = defaultdict(list)
    rows = await session.execute(
        select(Plan).where(Plan.offering_uuid.in_(list(offerings))).order_by(Plan.name, Plan.uuid)
    )
    for plan in rows.scalars():
        found[plan.offering_uuid].append(plan)
    return found


async def plan_by_uuid(session: AsyncSession, plan: uuid.UUID) -> Plan | None:
    """The plan, or None."""
    return await session.get(Plan, plan)
