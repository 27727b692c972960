"""`/api/marketplace-plans/`: plans of the offerings the caller may see; providers add
and archive them."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy import Select, or_, select

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_marketplace.offerings import repository, service
from stackyard_marketplace.offerings.components import check_plans
from stackyard_marketplace.offerings.models import Offering, Plan
from stackyard_marketplace.offerings.schemas import PlanCreate, PlanIn, PlanRead
from stackyard_marketplace.offerings.views import plan_read
from stackyard_marketplace.web import parse_reference

__all__ = ["router"]

router = APIRouter(prefix="/api/marketplace-plans", tags=["marketplace-plans"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
WRITE_ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound)


def _visible_offerings(principal: Principal) -> Select[Any]:
    return select(Offering.uuid).where(
        or_(repository.provider_filter(principal), repository.public_filter(principal))
    )


async def _plan(session: SessionDep, principal: Principal, plan_uuid: uuid.UUID) -> Plan:
    found = await session.execute(
        select(Plan).where(
            Plan.uuid == plan_uuid, Plan.offering_uuid.in_(_visible_offerings(principal))
        )
    )
    plan = found.scalar_one_or_none()
    if plan is None:
        raise NotFound
    return plan


@router.get("/", responses=READ_ERRORS, summary="Plans")
async def list_plans(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    offering_uuid: uuid.UUID | None = None,
) -> list[PlanRead]:
    query = select(Plan).where(Plan.offering_uuid.in_(_visible_offerings(principal)))
    if offering_uuid is not None:
        query = query.where(Plan.offering_uuid == offering_uuid)
    rows = await paginate(session, query.order_by(Plan.name, Plan.uuid), page)
    return [plan_read(request, plan) for plan in rows]


@router.post("/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Create")
async def create_plan(
    request: Request, principal: CurrentUser, session: SessionDep, data: PlanCreate
) -> PlanRead:
    offering = await repository.by_uuid(
        session,
        parse_reference("offering", data.offering),
        repository.provider_filter(principal),
    )
    if offering is None:
        raise ValidationFailed.field("offering", "No such offering.")
    await service.ensure_provider(session, principal, offering.customer_uuid)
    components = (await repository.components_of(session, [offering.uuid])).get(offering.uuid, [])
    plan = PlanIn(**data.model_dump(exclude={"offering"}))
    check_plans([plan], {component.type for component in components}, field="plan")
    (row,) = await service.add_plans(session, offering, [plan])
    await session.refresh(row)
    return plan_read(request, row)


@router.get("/{plan_uuid}/", responses=READ_ERRORS, summary="One plan")
async def get_plan(
    request: Request, plan_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> PlanRead:
    return plan_read(request, await _plan(session, principal, plan_uuid))


@router.post(
    "/{plan_uuid}/archive/",
    responses={**WRITE_ERRORS, **error_responses(Conflict)},
    summary="Archive: no new orders under it",
)
async def archive_plan(
    request: Request, plan_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> PlanRead:
    plan = await _plan(session, principal, plan_uuid)
    offering = await repository.by_uuid(session, plan.offering_uuid)
    assert offering is not None  # the foreign key
    await service.ensure_provider(session, principal, offering.customer_uuid)
    if plan.archived:
        raise Conflict("The plan is archived already.")
    plan.archived = True
    await session.flush()
    await session.refresh(plan)
    return plan_read(request, plan)
