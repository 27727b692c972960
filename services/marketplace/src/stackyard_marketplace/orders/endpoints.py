"""`/api/marketplace-orders/`: placing orders, following them, approving them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import ColumnElement

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
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_marketplace.identity_client import IdentityDep
from stackyard_marketplace.offerings import repository as offerings
from stackyard_marketplace.orders import approval, repository, service
from stackyard_marketplace.orders.models import Order
from stackyard_marketplace.orders.schemas import OrderCreate, OrderRead
from stackyard_marketplace.orders.views import order_reads
from stackyard_marketplace.resources.models import Resource

__all__ = ["router"]

router = APIRouter(prefix="/api/marketplace-orders", tags=["marketplace-orders"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
WRITE_ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, ServiceUnavailable
)
ACTION_ERRORS = {**WRITE_ERRORS, **error_responses(Conflict)}


async def _one(request: Request, session: SessionDep, order: Order) -> OrderRead:
    return (await order_reads(request, session, [order]))[0]


@router.get("/", responses=READ_ERRORS, summary="Orders the caller may see")
async def list_orders(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    state: list[str] | None = Query(default=None),
    type: str | None = None,
    offering_uuid: uuid.UUID | None = None,
    project_uuid: uuid.UUID | None = None,
    customer_uuid: uuid.UUID | None = None,
    resource_uuid: uuid.UUID | None = None,
) -> list[OrderRead]:
    conditions: list[ColumnElement[bool]] = []
    if state:
        conditions.append(Order.state.in_(state))
    for column, value in (
        (Order.type, type),
        (Order.offering_uuid, offering_uuid),
        (Order.project_uuid, project_uuid),
        (Order.customer_uuid, customer_uuid),
        (Order.resource_uuid, resource_uuid),
    ):
        if value is not None:
            conditions.append(column == value)
    rows = await paginate(session, repository.visible_orders(principal, *conditions), page)
    return await order_reads(request, session, rows)


@router.post("/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Order")
async def create_order(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    identity: IdentityDep,
    data: OrderCreate,
) -> OrderRead:
    return await _one(
        request, session, await service.create_order(session, identity, principal, data)
    )


@router.get("/{order_uuid}/", responses=READ_ERRORS, summary="One order")
async def get_order(
    request: Request, order_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OrderRead:
    return await _one(request, session, await service.get_visible(session, principal, order_uuid))


async def _locked(
    session: SessionDep, principal: Principal, order_uuid: uuid.UUID
) -> tuple[Order, Resource]:
    # The row lock makes two approvals of one order happen one after the other.
    order = await repository.by_uuid(session, order_uuid, principal, lock=True)
    if order is None:
        raise NotFound
    resource = await session.get(Resource, order.resource_uuid)
    assert resource is not None  # the foreign key
    return order, resource


async def _approve(
    request: Request, session: SessionDep, principal: Principal, order_uuid: uuid.UUID, side: str
) -> OrderRead:
    order, resource = await _locked(session, principal, order_uuid)
    offering = await offerings.by_uuid(session, order.offering_uuid)
    assert offering is not None  # the foreign key
    await approval.approve(session, principal, order, resource, offering, side)
    await session.refresh(order)
    return await _one(request, session, order)


@router.post("/{order_uuid}/approve_by_consumer/", responses=ACTION_ERRORS, summary="Approve")
async def approve_by_consumer(
    request: Request, order_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OrderRead:
    return await _approve(request, session, principal, order_uuid, "consumer")


@router.post("/{order_uuid}/approve_by_provider/", responses=ACTION_ERRORS, summary="Approve")
async def approve_by_provider(
    request: Request, order_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OrderRead:
    return await _approve(request, session, principal, order_uuid, "provider")


async def _end(
    request: Request, session: SessionDep, principal: Principal, order_uuid: uuid.UUID, action: str
) -> OrderRead:
    order, resource = await _locked(session, principal, order_uuid)
    await approval.reject_or_cancel(session, principal, order, resource, action)
    await session.refresh(order)
    return await _one(request, session, order)


@router.post("/{order_uuid}/reject_by_consumer/", responses=ACTION_ERRORS, summary="Reject")
async def reject_by_consumer(
    request: Request, order_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OrderRead:
    return await _end(request, session, principal, order_uuid, "reject_by_consumer")


@router.post("/{order_uuid}/reject_by_provider/", responses=ACTION_ERRORS, summary="Reject")
async def reject_by_provider(
    request: Request, order_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OrderRead:
    return await _end(request, session, principal, order_uuid, "reject_by_provider")


@router.post("/{order_uuid}/cancel/", responses=ACTION_ERRORS, summary="Cancel a pending order")
async def cancel(
    request: Request, order_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> OrderRead:
    return await _end(request, session, principal, order_uuid, "cancel")
