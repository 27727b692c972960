"""`/api/marketplace-resources/`: what orders made; `update_limits` and `terminate`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

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
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_marketplace.orders.models import OrderType
from stackyard_marketplace.resources import service
from stackyard_marketplace.resources.models import Resource
from stackyard_marketplace.resources.schemas import (
    MarketplaceResourceRead,
    OrderCreated,
    ResourceTerminateRequest,
    UpdateLimitsRequest,
)
from stackyard_marketplace.resources.views import resource_reads

__all__ = ["router"]

router = APIRouter(prefix="/api/marketplace-resources", tags=["marketplace-resources"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
ACTION_ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict
)


@router.get("/", responses=READ_ERRORS, summary="Resources the caller may see")
async def list_resources(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    state: list[str] | None = Query(default=None),
    offering_uuid: uuid.UUID | None = None,
    offering_type: str | None = None,
    project_uuid: uuid.UUID | None = None,
    customer_uuid: uuid.UUID | None = None,
    scope_uuid: uuid.UUID | None = Query(default=None, description="The backend resource."),
    name: str | None = Query(default=None, description="Part of the name."),
) -> list[MarketplaceResourceRead]:
    query = select(Resource).where(service.visible_resources(principal))
    if state:
        query = query.where(Resource.state.in_(state))
    if name is not None:
        query = query.where(Resource.name.icontains(name, autoescape=True))
    for column, value in (
        (Resource.offering_uuid, offering_uuid),
        (Resource.resource_type, offering_type),
        (Resource.project_uuid, project_uuid),
        (Resource.customer_uuid, customer_uuid),
        (Resource.backend_uuid, scope_uuid),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = await paginate(session, query.order_by(Resource.created.desc(), Resource.uuid), page)
    return await resource_reads(request, session, rows)


@router.get("/{resource_uuid}/", responses=READ_ERRORS, summary="One resource")
async def get_resource(
    request: Request, resource_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> MarketplaceResourceRead:
    resource = await service.get_visible(session, principal, resource_uuid)
    return (await resource_reads(request, session, [resource]))[0]


@router.post("/{resource_uuid}/update_limits/", responses=ACTION_ERRORS, summary="Order new limits")
async def update_limits(
    resource_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: UpdateLimitsRequest
) -> OrderCreated:
    resource = await service.get_visible(session, principal, resource_uuid, lock=True)
    order = await service.place_change(
        session, principal, resource, OrderType.UPDATE, limits=data.limits
    )
    return OrderCreated(order_uuid=order.uuid)


@router.post("/{resource_uuid}/terminate/", responses=ACTION_ERRORS, summary="Order termination")
async def terminate(
    resource_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: ResourceTerminateRequest | None = None,
) -> OrderCreated:
    resource = await service.get_visible(session, principal, resource_uuid, lock=True)
    order = await service.place_change(
        session,
        principal,
        resource,
        OrderType.TERMINATE,
        attributes=data.attributes if data else {},
    )
    return OrderCreated(order_uuid=order.uuid)
