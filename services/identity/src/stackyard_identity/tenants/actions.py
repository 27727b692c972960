"""What staff (and organisation owners, where said) do to tenants outside the marketplace.

A request that starts cloud work starts a saga and returns at once (202); one the
tenant's state or a running saga forbids is a 409. `set_erred`, `set_ok` and `unlink`
change only the record, and say so by event (the marketplace resource follows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, ValidationFailed
from stackyard_common.auth import Principal, Role, ensure_staff, require_role
from stackyard_common.sagas import Saga, saga_progress, start_saga
from stackyard_identity.audit.recording import Actor
from stackyard_identity.customers import repository as customers
from stackyard_identity.tenants.attributes import TenantAttributes
from stackyard_identity.tenants.events import DELETED, STATE_CHANGED, UPDATED, tenant_event
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.quotas import quotas_from_limits
from stackyard_identity.tenants.runtime import TenantRuntime
from stackyard_identity.tenants.sagas.maintenance import pull_tenant, pull_tenant_properties
from stackyard_identity.tenants.sagas.provisioning import update_tenant_quotas
from stackyard_identity.tenants.sagas.teardown import schedule_teardown
from stackyard_identity.tenants.schemas import TenantCreate, TenantSetQuotasRequest, TenantUpdate
from stackyard_identity.tenants.service import TenantRequest, create_tenant
from stackyard_identity.tenants.validation import check_request
from stackyard_identity.web import parse_reference

__all__ = [
    "create_directly",
    "delete_directly",
    "force_state",
    "pull",
    "pull_parts",
    "set_quotas",
    "unlink",
    "update_record",
]

SETTLED = (TenantState.OK.value, TenantState.ERRED.value)


async def _ensure_idle(session: AsyncSession, tenant: Tenant, *states: str) -> None:
    """409 unless the tenant is in one of `states` and no saga works on it."""
    if tenant.state not in states:
        raise Conflict(f"The tenant is {tenant.state}.")
    progress = await saga_progress(session, tenant.uuid)
    if progress is not None and progress.state in ("running", "compensating"):
        raise Conflict(f"The tenant is busy: {progress.text}.")


async def _owner(session: AsyncSession, principal: Principal, tenant: Tenant) -> None:
    await require_role(session, principal, [Role.CUSTOMER_OWNER], customer=tenant.customer_uuid)


async def create_directly(
    session: AsyncSession, runtime: TenantRuntime, principal: Principal, data: TenantCreate
) -> Tenant:
    """A tenant made by staff without an order (CREATION_SCHEDULED, its saga started)."""
    ensure_staff(principal)
    project = await customers.project_by_uuid(session, parse_reference("project", data.project))
    if project is None:
        raise ValidationFailed.field("project", "No such project.")
    attributes = TenantAttributes.model_validate(
        data.model_dump(include=set(TenantAttributes.model_fields))
    )
    checked = await check_request(
        session,
        runtime,
        parse_reference("service_settings", data.service_settings),
        project.customer_uuid,
        attributes,
    )
    request = TenantRequest(
        customer=project.customer_uuid,
        project=project.uuid,
        connection=checked.connection.uuid,
        attributes=attributes.model_copy(
            update={"external_network_id": checked.external_network_id}
        ),
        limits=data.quotas,
        plugin_options={"storage_mode": data.storage_mode},
    )
    return await create_tenant(session, request, Actor.of(principal))


async def update_record(
    session: AsyncSession, principal: Principal, tenant: Tenant, data: TenantUpdate
) -> Tenant:
    """Rename, describe or move a settled tenant to another zone (staff and owners)."""
    await _owner(session, principal, tenant)
    changes: dict[str, Any] = data.model_dump(
        exclude_unset=True, exclude_none=True, exclude={"security_groups"}
    )
    if changes:
        await _ensure_idle(session, tenant, *SETTLED)
        for name, value in changes.items():
            setattr(tenant, name, value)
        await session.flush()
        await tenant_event(
            session, UPDATED, tenant, actor=Actor.of(principal), changed=sorted(changes)
        )
    await session.refresh(tenant)
    return tenant


async def delete_directly(session: AsyncSession, principal: Principal, tenant: Tenant) -> None:
    """Tear a settled tenant down (staff): DELETION_SCHEDULED, its saga started."""
    ensure_staff(principal)
    await _ensure_idle(session, tenant, *SETTLED)
    await schedule_teardown(session, tenant, None, Actor.of(principal))


async def set_quotas(
    session: AsyncSession, principal: Principal, tenant: Tenant, data: TenantSetQuotasRequest
) -> None:
    """Push new quota limits (staff): UPDATE_SCHEDULED, the update saga started."""
    ensure_staff(principal)
    await _ensure_idle(session, tenant, TenantState.OK.value)
    limits = data.model_dump(exclude_none=True)
    if not limits:
        raise ValidationFailed("Give at least one quota.")
    tenant.state = TenantState.UPDATE_SCHEDULED.value
    await session.flush()
    quotas = quotas_from_limits(limits, tenant.quotas)
    await start_saga(session, update_tenant_quotas, tenant.uuid, {"quotas": quotas})
    await tenant_event(session, STATE_CHANGED, tenant, actor=Actor.of(principal))


async def _start(session: AsyncSession, tenant: Tenant, saga: Saga, **data: Any) -> None:
    await _ensure_idle(session, tenant, *SETTLED)
    await start_saga(session, saga, tenant.uuid, data)


async def pull(session: AsyncSession, principal: Principal, tenant: Tenant) -> None:
    """Read quotas, usage and properties back from the cloud (staff and owners)."""
    await _owner(session, principal, tenant)
    await _start(session, tenant, pull_tenant)


async def pull_parts(
    session: AsyncSession, principal: Principal, tenant: Tenant, parts: Sequence[str]
) -> None:
    """Read some of the tenant's properties back (staff and owners)."""
    await _owner(session, principal, tenant)
    if tenant.state != TenantState.OK:
        raise Conflict(f"The tenant is {tenant.state}.")
    await _start(session, tenant, pull_tenant_properties, parts=list(parts))


async def force_state(
    session: AsyncSession, principal: Principal, tenant: Tenant, state: TenantState, error: str
) -> None:
    """`set_erred` / `set_ok` (staff): the record only."""
    ensure_staff(principal)
    tenant.state, tenant.error_message = state.value, error
    await session.flush()
    await tenant_event(session, STATE_CHANGED, tenant, actor=Actor.of(principal))


async def unlink(session: AsyncSession, principal: Principal, tenant: Tenant) -> None:
    """Forget the tenant without touching the cloud (staff)."""
    ensure_staff(principal)
    await tenant_event(session, DELETED, tenant, actor=Actor.of(principal))
    await session.execute(delete(Tenant).where(Tenant.uuid == tenant.uuid))
