"""`/api/marketplace-provider-offerings/`: offerings as their providers manage them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import select

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser, ensure_staff
from stackyard_common.db import SessionDep
from stackyard_marketplace.identity_client import IdentityDep
from stackyard_marketplace.offerings import repository, service
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.offerings.schemas import (
    OfferingCreate,
    OfferingPauseRequest,
    OfferingRead,
    OfferingUpdate,
    OfferingWithSecrets,
)
from stackyard_marketplace.offerings.views import offering_reads

__all__ = ["router"]

router = APIRouter(
    prefix="/api/marketplace-provider-offerings", tags=["marketplace-provider-offerings"]
)

READ_ERRORS = error_responses(NotAuthenticated, PermissionDenied, NotFound)
WRITE_ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, ServiceUnavailable
)
INCLUDE_SECRETS = Query(
    default=False, description="Include the secret options (staff only; 403 for others)."
)


async def _one(request: Request, session: SessionDep, offering: Offering) -> OfferingRead:
    return (await offering_reads(request, session, [offering]))[0]


@router.get("/", responses=READ_ERRORS, summary="Offerings the caller provides")
async def list_offerings(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    type: str | None = None,
    state: str | None = None,
    customer_uuid: uuid.UUID | None = None,
    category_uuid: uuid.UUID | None = None,
    scope_uuid: uuid.UUID | None = None,
) -> list[OfferingRead]:
    query = select(Offering).where(repository.provider_filter(principal))
    if name is not None:
        query = query.where(Offering.name.icontains(name, autoescape=True))
    for column, value in (
        (Offering.type, type),
        (Offering.state, state),
        (Offering.customer_uuid, customer_uuid),
        (Offering.category_uuid, category_uuid),
        (Offering.scope_uuid, scope_uuid),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = await paginate(session, query.order_by(Offering.name, Offering.uuid), page)
    return await offering_reads(request, session, rows)


@router.post("/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Create")
async def create_offering(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    identity: IdentityDep,
    data: OfferingCreate,
) -> OfferingRead:
    offering = await service.create_offering(session, identity, principal, data)
    return await _one(request, session, offering)


@router.get("/{offering_uuid}/", responses=READ_ERRORS, summary="One offering")
async def get_offering(
    request: Request,
    offering_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    identity: IdentityDep,
    include_secrets: bool = INCLUDE_SECRETS,
) -> OfferingRead | OfferingWithSecrets:
    offering = await service.get_for_provider(session, principal, offering_uuid)
    view = await _one(request, session, offering)
    if not include_secrets:
        return view
    ensure_staff(principal)
    secrets = await service.secret_options(identity, offering)
    return OfferingWithSecrets(**view.model_dump(), secret_options=secrets)


@router.patch("/{offering_uuid}/", responses=WRITE_ERRORS, summary="Update")
async def update_offering(
    request: Request,
    offering_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    identity: IdentityDep,
    data: OfferingUpdate,
) -> OfferingRead:
    offering = await service.get_for_provider(session, principal, offering_uuid)
    updated = await service.update_offering(session, identity, principal, offering, data)
    return await _one(request, session, updated)


STATE_ERRORS = {**WRITE_ERRORS, **error_responses(Conflict)}


@router.post("/{offering_uuid}/activate/", responses=STATE_ERRORS, summary="Activate")
async def activate(
    request: Request, offering_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OfferingRead:
    offering = await service.get_for_provider(session, principal, offering_uuid)
    return await _one(
        request, session, await service.change_state(session, principal, offering, "activate")
    )


@router.post("/{offering_uuid}/pause/", responses=STATE_ERRORS, summary="Pause")
async def pause(
    request: Request,
    offering_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: OfferingPauseRequest | None = None,
) -> OfferingRead:
    offering = await service.get_for_provider(session, principal, offering_uuid)
    reason = data.paused_reason if data else ""
    return await _one(
        request, session, await service.change_state(session, principal, offering, "pause", reason)
    )


@router.post("/{offering_uuid}/archive/", responses=STATE_ERRORS, summary="Archive")
async def archive(
    request: Request, offering_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OfferingRead:
    offering = await service.get_for_provider(session, principal, offering_uuid)
    return await _one(
        request, session, await service.change_state(session, principal, offering, "archive")
    )
