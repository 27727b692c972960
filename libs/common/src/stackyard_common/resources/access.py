"""Who sees and changes cloud resources, and the checks every action makes first.

Seeing: whoever sees the tenant's organisation or project (`visible_filter` on the
record's own customer and project). Changing: staff, the organisation's owners and the
project's admins and managers. An action the record's state or a running saga forbids
is a 409.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal, Role, require_role, roles_held, visible_filter
from stackyard_common.resources.records import ResourceColumns
from stackyard_common.sagas import saga_progress
from stackyard_common.tenants import TenantRecord, get_tenant

__all__ = [
    "WRITE_ROLES",
    "ensure_idle",
    "get_visible",
    "require_writer",
    "usable_tenant",
    "visible",
    "writable_tenant",
]

R = TypeVar("R", bound=ResourceColumns)

WRITE_ROLES = (Role.CUSTOMER_OWNER, Role.PROJECT_ADMIN, Role.PROJECT_MANAGER)


def visible(model: type[R], principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Records of `model` that `principal` may see, matching `conditions`, by name."""
    return (
        select(model)
        .where(visible_filter(principal, model.customer_uuid, model.project_uuid), *conditions)
        .order_by(model.name, model.uuid)
    )


async def get_visible(
    session: AsyncSession, principal: Principal, model: type[R], key: uuid.UUID, lock: bool = False
) -> R:
    """The record if `principal` may see it (row-locked with `lock`); `NotFound` otherwise."""
    query = visible(model, principal, model.uuid == key)
    if lock:
        query = query.with_for_update()
    found: R | None = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return found


async def require_writer(session: AsyncSession, principal: Principal, record: Any) -> None:
    """403 unless `principal` may change things in the record's project (staff too)."""
    await require_role(
        session,
        principal,
        WRITE_ROLES,
        customer=record.customer_uuid,
        project=record.project_uuid,
    )


async def ensure_idle(session: AsyncSession, record: ResourceColumns, *states: str) -> None:
    """409 unless the record is in one of `states` and no saga works on it."""
    if record.state not in states:
        raise Conflict(f"The {type(record).__name__.lower()} is {record.state}.")
    progress = await saga_progress(session, record.uuid)
    if progress is not None and progress.state in ("running", "compensating"):
        raise Conflict(f"The {type(record).__name__.lower()} is busy: {progress.text}.")


async def usable_tenant(session: AsyncSession, tenant: uuid.UUID, field: str) -> TenantRecord:
    """The tenant, if resources may be made in it now; `ValidationFailed` on `field`."""
    found = await get_tenant(session, tenant)
    if found is None or found.deleted:
        raise ValidationFailed.field(field, "No such tenant.")
    if not found.usable:
        raise ValidationFailed.field(field, f"The tenant is {found.state or 'not ready'}.")
    return found


async def writable_tenant(
    session: AsyncSession, principal: Principal, tenant: uuid.UUID, field: str = "tenant"
) -> TenantRecord:
    """The tenant, if `principal` sees it (400 otherwise), may make resources in it (403)
    and it is usable (400)."""
    found = await get_tenant(session, tenant)
    sees = found is not None and (
        principal.sees_everything
        or (
            found.customer_uuid is not None
            and bool(
                await roles_held(
                    session, principal, customer=found.customer_uuid, project=found.project_uuid
                )
            )
        )
    )
    if found is None or not sees:
        raise ValidationFailed.field(field, "No such tenant.")
    await require_writer(session, principal, found)
    return await usable_tenant(session, tenant, field)
