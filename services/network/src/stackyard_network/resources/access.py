"""Who may see and change network resources.

Seeing follows the tenant: staff and support see everything; a role in the tenant's
organisation or project shows its resources. Changing needs staff, an organisation
owner, or a project administrator or manager. Objects the caller may not see are 404;
a tenant named in a request body that the caller may not see is a 400 on that field.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, PermissionDenied, ValidationFailed
from stackyard_common.auth import Principal, Role, require_role, visible_filter
from stackyard_common.tenants import TenantRecord, get_tenant, tenants

__all__ = [
    "MANAGERS",
    "ensure_manager",
    "get_visible",
    "parse_reference",
    "visible",
    "visible_tenant_uuids",
    "writable_tenant",
]

MANAGERS = (Role.CUSTOMER_OWNER, Role.PROJECT_ADMIN, Role.PROJECT_MANAGER)


def parse_reference(field: str, value: str | uuid.UUID) -> uuid.UUID:
    """The uuid a request field names, given as a uuid or as the object's URL;
    `ValidationFailed` on `field` for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    candidate = value.rstrip("/").rsplit("/", 1)[-1]
    try:
        return uuid.UUID(candidate)
    except ValueError as error:
        raise ValidationFailed.field(field, "Invalid reference: a uuid or a URL.") from error


def visible(principal: Principal, model: Any) -> ColumnElement[bool]:
    """The rows of `model` (a resource table) that `principal` may see."""
    return visible_filter(principal, model.customer_uuid, model.project_uuid)


def visible_tenant_uuids(principal: Principal) -> Any:
    """A subquery of the uuids of the tenants `principal` may see."""
    return select(tenants.c.uuid).where(
        visible_filter(principal, tenants.c.customer_uuid, tenants.c.project_uuid),
        tenants.c.deleted.is_(False),
    )


async def get_visible(
    session: AsyncSession, principal: Principal, model: Any, key: uuid.UUID, lock: bool = False
) -> Any:
    """The record `key` of `model` if `principal` may see it (row-locked with `lock`);
    `NotFound` otherwise."""
    query = select(model).where(model.uuid == key, visible(principal, model))
    if lock:
        query = query.with_for_update()
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return found


async def ensure_manager(
    session: AsyncSession,
    principal: Principal,
    customer: uuid.UUID | None,
    project: uuid.UUID | None,
) -> None:
    """403 unless `principal` is staff or manages the organisation or project."""
    if customer is None:
        if not principal.is_staff:
            raise PermissionDenied
        return
    await require_role(session, principal, MANAGERS, customer=customer, project=project)


async def writable_tenant(
    session: AsyncSession, principal: Principal, tenant_uuid: uuid.UUID, field: str = "tenant"
) -> TenantRecord:
    """The tenant named in a request, if `principal` may see it (else 400 on `field`)
    and manage it (else 403); 409 unless it is ready for new resources."""
    tenant = await get_tenant(session, tenant_uuid)
    seen = tenant is not None and not tenant.deleted
    if seen and not principal.sees_everything:
        found = await session.execute(
            visible_tenant_uuids(principal).where(tenants.c.uuid == tenant_uuid)
        )
        seen = found.first() is not None
    if tenant is None or not seen:
        raise ValidationFailed.field(field, "No such tenant.")
    await ensure_manager(session, principal, tenant.customer_uuid, tenant.project_uuid)
    if not tenant.usable:
        raise Conflict(f"The tenant is {tenant.state or 'not provisioned'}.")
    return tenant
