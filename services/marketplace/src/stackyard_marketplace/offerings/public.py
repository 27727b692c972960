"""`/api/marketplace-public-offerings/`: the catalogue a user may order from."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from stackyard_common.api import NotAuthenticated, NotFound, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_marketplace.offerings import repository
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.offerings.schemas import OfferingRead
from stackyard_marketplace.offerings.views import PUBLIC, offering_reads

__all__ = ["router"]

router = APIRouter(
    prefix="/api/marketplace-public-offerings", tags=["marketplace-public-offerings"]
)

READ_ERRORS = error_responses(NotAuthenticated, NotFound)


@router.get("/", responses=READ_ERRORS, summary="Offerings the caller may order")
async def list_public(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    project_uuid: uuid.UUID | None = Query(
        default=None, description="Those orderable in this project: shared, or private to it."
    ),
    name: str | None = Query(default=None, description="Part of the name."),
    type: str | None = None,
    category_uuid: uuid.UUID | None = None,
    scope_uuid: uuid.UUID | None = None,
) -> list[OfferingRead]:
    query = select(Offering).where(repository.public_filter(principal, project_uuid))
    if name is not None:
        query = query.where(Offering.name.icontains(name, autoescape=True))
    for column, value in (
        (Offering.type, type),
        (Offering.category_uuid, category_uuid),
        (Offering.scope_uuid, scope_uuid),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = await paginate(session, query.order_by(Offering.name, Offering.uuid), page)
    return await offering_reads(request, session, rows, collection=PUBLIC)


@router.get("/{offering_uuid}/", responses=READ_ERRORS, summary="One offering")
async def get_public(
    request: Request, offering_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OfferingRead:
    offering = await repository.by_uuid(session, offering_uuid, repository.public_filter(principal))
    if offering is None:
        raise NotFound
    return (await offering_reads(request, session, [offering], collection=PUBLIC))[0]
