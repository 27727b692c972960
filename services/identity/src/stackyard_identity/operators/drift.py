"""Quota drift: a tenant's cloud quotas beside its marketplace limits.

The limits are mapped to the cloud the way a push maps them (`quotas.quotas_from_limits`,
then `quotas.cloud_quotas`) and read back the way a pull reads the cloud
(`usage.platform_quotas`), so a limit the cloud can only hold rounded (MiB of storage in
whole GiB) is compared as the cloud would hold it: no drift is reported that a push could
not remove.

Only settled tenants (OK, no saga at work) with a marketplace resource and a project in
the cloud are compared; any other is reported unchecked, with the reason.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_identity.operators.marketplace import MarketplaceLimits
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.quotas import cloud_quotas, quotas_from_limits, volume_type_key
from stackyard_identity.tenants.refresh import saga_busy
from stackyard_identity.tenants.runtime import TenantRuntime
from stackyard_identity.tenants.usage import platform_quotas, read_quotas

__all__ = ["QuotaDifference", "TenantDrift", "differences", "tenant_drift", "unchecked_reason"]


class QuotaDifference(BaseModel):
    """One quota the cloud holds otherwise than the marketplace says.

    `quota` is the platform's name, `component` the marketplace's; values are in the
    platform's units (MiB for ram and storage); `cloud` is None when the cloud has no
    such quota.
    """

    quota: str
    component: str
    marketplace: int
    cloud: int | None


class TenantDrift(BaseModel):
    """A tenant's quota drift; `checked` false (and `reason`) when it was not compared."""

    tenant_uuid: str
    tenant_name: str
    state: str
    backend_id: str
    marketplace_resource_uuid: str | None
    checked: bool
    reason: str = ""
    differences: list[QuotaDifference] = []
    usage: dict[str, int] = {}

    @classmethod
    def of(cls, tenant: Tenant, **fields: object) -> TenantDrift:
        resource = tenant.marketplace_resource_uuid
        return cls.model_validate(
            {
                "tenant_uuid": str(tenant.uuid),
                "tenant_name": tenant.name,
                "state": tenant.state,
                "backend_id": tenant.backend_id,
                "marketplace_resource_uuid": str(resource) if resource else None,
                **fields,
            }
        )


def differences(
    limits: dict[str, int],
    cloud: dict[str, int],
    storage_mode: str,
    volume_types: dict[str, str],
) -> list[QuotaDifference]:
    """The marketplace `limits` (by component) that `cloud` (by platform quota, as
    `read_quotas` gives it) does not hold; a limit the cloud cannot hold at all (a volume
    type it lacks) is reported with the cloud's value missing."""
    found: list[QuotaDifference] = []
    for component, value in sorted(limits.items()):
        quotas = quotas_from_limits({component: value}, {})
        sets = cloud_quotas(quotas, storage_mode, volume_types)
        expected, _ = platform_quotas(
            sets["compute"], sets["volume"], sets["network"], storage_mode
        )
        for quota in quotas:
            held = cloud.get(quota)
            if quota not in expected or held != expected[quota]:
                found.append(
                    QuotaDifference(quota=quota, component=component, marketplace=value, cloud=held)
                )
    return found


async def unchecked_reason(session: AsyncSession, tenant: Tenant) -> str:
    """Why `tenant` cannot be compared (or pushed to) now; "" when it can."""
    if tenant.marketplace_resource_uuid is None:
        return "the tenant has no marketplace resource"
    if not tenant.backend_id:
        return "the tenant has no project in the cloud"
    if tenant.state != TenantState.OK:
        return f"the tenant is {tenant.state}"
    if await saga_busy(session, tenant.uuid):
        return "a saga is working on the tenant"
    return ""


async def tenant_drift(
    session: AsyncSession, runtime: TenantRuntime, marketplace: MarketplaceLimits, tenant: Tenant
) -> TenantDrift:
    """`tenant`'s drift, from one read of its marketplace limits and of its cloud quotas.
    Cloud and marketplace errors propagate (the caller reports them per tenant)."""
    reason = await unchecked_reason(session, tenant)
    if reason:
        return TenantDrift.of(tenant, checked=False, reason=reason)
    assert tenant.marketplace_resource_uuid is not None
    limits = await marketplace.limits(tenant.marketplace_resource_uuid)
    if limits is None:
        reason = f"its marketplace resource {tenant.marketplace_resource_uuid} is gone"
        return TenantDrift.of(tenant, checked=False, reason=reason)
    await runtime.clouds.identity_keys()
    cloud = await runtime.clouds.client(tenant.connection_uuid)
    mode = str(tenant.options.get("storage_mode", "fixed"))
    types: dict[str, str] = {}
    if mode == "dynamic":
        types = {volume_type_key(t.name): t.name for t in await cloud.volume.list_types()}
    held, usage = await read_quotas(cloud, tenant.backend_id, mode)
    return TenantDrift.of(
        tenant, checked=True, differences=differences(limits, held, mode, types), usage=usage
    )
