"""Organisations: created and deleted by staff, updated by staff and owners."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound
from stackyard_common.auth import Principal, Role, ensure_staff, require_role
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.customers import repository
from stackyard_identity.customers.models import Customer
from stackyard_identity.customers.schemas import CustomerCreate, CustomerUpdate
from stackyard_identity.roles.service import Scope, revoke_all

__all__ = ["create_customer", "delete_customer", "get_visible", "scope_of", "update_customer"]


def scope_of(customer: Customer) -> Scope:
    """The organisation as a place where roles are held."""
    return Scope("customer", customer.uuid, customer.name, customer.uuid)


def _data(customer: Customer) -> dict[str, str]:
    return {"name": customer.name, "abbreviation": customer.abbreviation}


async def get_visible(session: AsyncSession, principal: Principal, uuid_: uuid.UUID) -> Customer:
    """The organisation if `principal` may see it; `NotFound` otherwise."""
    customer = await repository.customer_by_uuid(session, uuid_, principal)
    if customer is None:
        raise NotFound
    return customer


async def create_customer(
    session: AsyncSession, principal: Principal, data: CustomerCreate
) -> Customer:
    """Create an organisation (staff only)."""
    ensure_staff(principal)
    customer = Customer(**data.model_dump())
    session.add(customer)
    await session.flush()
    await session.refresh(customer)
    await record_change(
        session,
        Actor.of(principal),
        "customer.created.v1",
        f"Organisation {customer.name} was created by {principal.username}.",
        resource_type="customer",
        resource_uuid=customer.uuid,
        resource_name=customer.name,
        customer=customer.uuid,
        data=_data(customer),
    )
    return customer


async def update_customer(
    session: AsyncSession, principal: Principal, customer: Customer, data: CustomerUpdate
) -> Customer:
    """Apply a partial update (staff or the organisation's owners; 403 otherwise)."""
    await require_role(session, principal, [Role.CUSTOMER_OWNER], customer=customer.uuid)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(customer, name, value)
    await session.flush()
    await session.refresh(customer)
    await record_change(
        session,
        Actor.of(principal),
        "customer.updated.v1",
        f"Organisation {customer.name} was updated by {principal.username}.",
        resource_type="customer",
        resource_uuid=customer.uuid,
        resource_name=customer.name,
        customer=customer.uuid,
        data={**_data(customer), "changed": sorted(changes)},
    )
    return customer


async def delete_customer(session: AsyncSession, principal: Principal, customer: Customer) -> None:
    """Delete an organisation without projects (staff only; 409 while it has projects),
    revoking every role held in it."""
    ensure_staff(principal)
    if await repository.count_projects(session, customer.uuid):
        raise Conflict("The organisation still has projects.")
    actor = Actor.of(principal)
    await revoke_all(session, actor, scope_of(customer))
    await session.delete(customer)
    await session.flush()
    await record_change(
        session,
        actor,
        "customer.deleted.v1",
        f"Organisation {customer.name} was deleted by {principal.username}.",
        resource_type="customer",
        resource_uuid=customer.uuid,
        resource_name=customer.name,
        customer=customer.uuid,
        data=_data(customer),
    )
