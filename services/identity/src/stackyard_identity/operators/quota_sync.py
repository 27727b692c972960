"""Bringing a tenant's quotas and its marketplace limits together, in either direction.

push     the marketplace's limits that the cloud does not hold are set in the cloud
         (with the code the tenant sagas push quotas with), and in the tenant's record;
         one `tenant.updated.v1` (`changed: ["quotas"]`, `quotas_pushed`: the cloud's
         value before and the value pushed, by quota) says so.
import   the cloud's limits and usage become the tenant's quotas and usage (the
         scheduled quota pull's `refresh_quotas`), then the cloud's limits the marketplace
         resource's limits (the components its offering sells).

`dry_run` reports what either would do and changes nothing, in the cloud or in a record.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_identity.audit.recording import Actor
from stackyard_identity.operators.drift import TenantDrift, tenant_drift, unchecked_reason
from stackyard_identity.operators.marketplace import MarketplaceLimits
from stackyard_identity.tenants.events import UPDATED, tenant_event
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.quotas import limit_name
from stackyard_identity.tenants.refresh import Outcome, ProjectGone, cloud_quotas_of, refresh_quotas
from stackyard_identity.tenants.runtime import TenantRuntime
from stackyard_identity.tenants.sagas.quota_steps import push_cloud_quotas

__all__ = ["QuotaImport", "QuotaPush", "import_tenant_quotas", "push_tenant_quotas"]


class QuotaPush(BaseModel):
    """The drift found, and whether its limits were pushed."""

    drift: TenantDrift
    pushed: bool


class QuotaImport(BaseModel):
    """What an import changed (or would change): marketplace limits by component as
    `[old, new]`, and the tenant's own quotas by platform name as `[old, new]`."""

    tenant_uuid: str
    tenant_name: str
    checked: bool
    reason: str = ""
    limits: dict[str, list[int | None]] = {}
    quotas: dict[str, list[int | None]] = {}
    usage: dict[str, int] = {}
    imported: bool = False


async def push_tenant_quotas(
    session: AsyncSession,
    runtime: TenantRuntime,
    marketplace: MarketplaceLimits,
    tenant: Tenant,
    *,
    dry_run: bool,
    actor: Actor,
) -> QuotaPush:
    """Push the limits that drifted; nothing when none did, the tenant is unchecked, or
    `dry_run`."""
    drift = await tenant_drift(session, runtime, marketplace, tenant)
    if not drift.checked or not drift.differences or dry_run:
        return QuotaPush(drift=drift, pushed=False)
    quotas = {d.quota: d.marketplace for d in drift.differences}
    cloud = await runtime.clouds.client(tenant.connection_uuid)
    mode = str(tenant.options.get("storage_mode", "fixed"))
    await push_cloud_quotas(cloud, tenant.backend_id, quotas, mode)
    # What the cloud held before, beside what it holds now: the record may have agreed
    # with the marketplace all along.
    pushed = {d.quota: [d.cloud, d.marketplace] for d in drift.differences}
    tenant.quotas = {**tenant.quotas, **quotas}
    await session.flush()
    await tenant_event(
        session, UPDATED, tenant, actor=actor, changed=["quotas"], quotas_pushed=pushed
    )
    return QuotaPush(drift=drift, pushed=True)


async def import_tenant_quotas(
    session: AsyncSession,
    runtime: TenantRuntime,
    marketplace: MarketplaceLimits,
    tenant: Tenant,
    *,
    dry_run: bool,
) -> QuotaImport:
    """Import the cloud's limits and usage of `tenant` into its record (as the scheduled
    quota pull does, with its events) and then into the marketplace resource. `tenant`
    must not be row-locked by the caller: the record is written in a transaction of its
    own."""
    brief = {"tenant_uuid": str(tenant.uuid), "tenant_name": tenant.name}
    reason = await unchecked_reason(session, tenant)
    if reason:
        return QuotaImport(**brief, checked=False, reason=reason)
    assert tenant.marketplace_resource_uuid is not None
    if await marketplace.limits(tenant.marketplace_resource_uuid) is None:
        reason = f"its marketplace resource {tenant.marketplace_resource_uuid} is gone"
        return QuotaImport(**brief, checked=False, reason=reason)
    await runtime.clouds.identity_keys()
    cloud = await runtime.clouds.client(tenant.connection_uuid)
    try:
        held, usage = await cloud_quotas_of(cloud, tenant)
    except ProjectGone as error:
        return QuotaImport(**brief, checked=False, reason=str(error))
    changed_quotas: dict[str, list[int | None]] = {
        name: [tenant.quotas.get(name), value]
        for name, value in sorted(held.items())
        if tenant.quotas.get(name) != value
    }
    if not dry_run and await refresh_quotas(runtime, tenant) == Outcome.BUSY:
        return QuotaImport(**brief, checked=False, reason="a saga started working on the tenant")
    components = {limit_name(quota): value for quota, value in held.items()}
    changed_limits = await marketplace.import_limits(
        tenant.marketplace_resource_uuid, components, dry_run=dry_run
    )
    return QuotaImport(
        **brief,
        checked=True,
        limits=changed_limits,
        quotas=changed_quotas,
        usage=usage,
        imported=not dry_run,
    )
