"""`/api/customers/`: organisations, and the roles held in them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response, status

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
from stackyard_identity.customers import repository, service
from stackyard_identity.customers.models import Customer
from stackyard_identity.customers.schemas import CustomerCreate, CustomerRead, CustomerUpdate
from stackyard_identity.roles import actions
from stackyard_identity.roles.schemas import RoleGrantRead, RoleGrantRequest, RoleRevokeRequest
from stackyard_identity.web import absolute_url

__all__ = ["customer_read", "router"]

router = APIRouter(prefix="/api/customers", tags=["customers"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
WRITE_ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound)


def customer_read(request: Request, customer: Customer) -> CustomerRead:
    """The API's view of an organisation."""
    return CustomerRead(
        uuid=customer.uuid,
        url=absolute_url(request, f"/api/customers/{customer.uuid}/"),
        name=customer.name,
        native_name=customer.native_name,
        abbreviation=customer.abbreviation,
        description=customer.description,
        email=customer.email,
        created=customer.created,
        modified=customer.modified,
    )


@router.get("/", responses=READ_ERRORS, summary="Organisations the caller may see")
async def list_customers(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    abbreviation: str | None = None,
) -> list[CustomerRead]:
    conditions = []
    if name is not None:
        conditions.append(Customer.name.icontains(name, autoescape=True))
    if abbreviation is not None:
        conditions.append(Customer.abbreviation == abbreviation)
    rows = await paginate(session, repository.visible_customers(principal, *conditions), page)
    return [customer_read(request, customer) for customer in rows]


@router.post(
    "/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Create (staff)"
)
async def create_customer(
    request: Request, principal: CurrentUser, session: SessionDep, data: CustomerCreate
) -> CustomerRead:
    return customer_read(request, await service.create_customer(session, principal, data))


@router.get("/{customer_uuid}/", responses=READ_ERRORS, summary="One organisation")
async def get_customer(
    request: Request, customer_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> CustomerRead:
    return customer_read(request, await service.get_visible(session, principal, customer_uuid))


@router.patch("/{customer_uuid}/", responses=WRITE_ERRORS, summary="Update (staff, owners)")
async def update_customer(
    request: Request,
    customer_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: CustomerUpdate,
) -> CustomerRead:
    customer = await service.get_visible(session, principal, customer_uuid)
    return customer_read(request, await service.update_customer(session, principal, customer, data))


@router.delete(
    "/{customer_uuid}/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**WRITE_ERRORS, **error_responses(Conflict)},
    summary="Delete an organisation without projects (staff)",
)
async def delete_customer(
    customer_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> Response:
    customer = await service.get_visible(session, principal, customer_uuid)
    await service.delete_customer(session, principal, customer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{customer_uuid}/list_users/", responses=READ_ERRORS, summary="Roles held here")
async def list_users(
    customer_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, page: PageDep
) -> list[RoleGrantRead]:
    customer = await service.get_visible(session, principal, customer_uuid)
    return await actions.list_users(session, service.scope_of(customer), page)


@router.post(
    "/{customer_uuid}/add_user/",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    summary="Grant an organisation role",
)
async def add_user(
    customer_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: RoleGrantRequest
) -> RoleGrantRead:
    customer = await service.get_visible(session, principal, customer_uuid)
    return await actions.add_user(session, principal, service.scope_of(customer), data)


@router.post(
    "/{customer_uuid}/update_user/", responses=WRITE_ERRORS, summary="Change a role's expiry"
)
async def update_user(
    customer_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: RoleGrantRequest
) -> RoleGrantRead:
    customer = await service.get_visible(session, principal, customer_uuid)
    return await actions.update_user(session, principal, service.scope_of(customer), data)


@router.post(
    "/{customer_uuid}/delete_user/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    summary="Revoke an organisation role",
)
async def delete_user(
    customer_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: RoleRevokeRequest
) -> Response:
    customer = await service.get_visible(session, principal, customer_uuid)
    await actions.delete_user(session, principal, service.scope_of(customer), data)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
