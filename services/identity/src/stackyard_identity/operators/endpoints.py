"""`/api/openstack-tenants/quota_drift/`: staff's report of quota drift, each tenant's
cloud quotas beside its marketplace limits (see `drift`).

The list pages through the tenants that have a marketplace resource (oldest first) and
reads each one's cloud on the spot; a tenant whose cloud or marketplace resource cannot
be read is listed unchecked with the reason, so one broken cloud does not hide the rest.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import select

from stackyard_common.api import (
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ServiceUnavailable,
    StackyardError,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser, ensure_staff
from stackyard_common.db import SessionDep
from stackyard_common.openstack import OpenStackError
from stackyard_identity.operators.deps import MarketplaceDep
from stackyard_identity.operators.drift import TenantDrift, tenant_drift
from stackyard_identity.operators.errors import cloud_errors
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.runtime import TenantRuntimeDep

__all__ = ["router"]

router = APIRouter(prefix="/api/openstack-tenants", tags=["openstack-tenants"])

ERRORS = error_responses(NotAuthenticated, PermissionDenied, NotFound, ServiceUnavailable)


@router.get(
    "/quota_drift/",
    responses=ERRORS,
    summary="Each tenant's cloud quotas against its marketplace limits (staff)",
)
async def quota_drift_report(
    principal: CurrentUser,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    marketplace: MarketplaceDep,
    page: PageDep,
    only_drifted: bool = False,
) -> list[TenantDrift]:
    ensure_staff(principal)
    query = (
        select(Tenant)
        .where(Tenant.marketplace_resource_uuid.is_not(None))
        .order_by(Tenant.created, Tenant.uuid)
    )
    report = []
    for tenant in await paginate(session, query, page):
        try:
            drift = await tenant_drift(session, runtime, marketplace, tenant)
        except (OpenStackError, StackyardError) as error:
            drift = TenantDrift.of(tenant, checked=False, reason=f"cannot be read: {error}")
        if drift.differences or not only_drifted:
            report.append(drift)
    return report


@router.get(
    "/{tenant_uuid}/quota_drift/",
    responses=ERRORS,
    summary="One tenant's cloud quotas against its marketplace limits (staff)",
)
async def tenant_quota_drift(
    tenant_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    marketplace: MarketplaceDep,
) -> TenantDrift:
    ensure_staff(principal)
    tenant = await session.get(Tenant, tenant_uuid)
    if tenant is None:
        raise NotFound
    async with cloud_errors():
        return await tenant_drift(session, runtime, marketplace, tenant)
