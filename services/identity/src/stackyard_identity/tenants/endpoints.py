"""`/api/openstack-tenants/`: tenants, their quotas and the sagas that work on them.

Reading: anyone who sees the tenant's organisation or project. Ordering a tenant goes
through the marketplace; staff may also create, change and delete tenants here, and
force their state (`set_erred`, `set_ok`) or forget them (`unlink`).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement

from stackyard_common.api import NotAuthenticated, NotFound, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_identity.tenants import repository
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.runtime import TenantRuntime, TenantRuntimeDep
from stackyard_identity.tenants.schemas import TenantRead
from stackyard_identity.tenants.views import tenant_reads

__all__ = ["get_visible", "one", "router"]

router = APIRouter(prefix="/api/openstack-tenants", tags=["openstack-tenants"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)


async def get_visible(
    session: SessionDep, principal: Principal, tenant_uuid: uuid.UUID, lock: bool = False
) -> Tenant:
    """The tenant if `principal` may see it; `NotFound` otherwise."""
    tenant = await repository.visible_tenant(session, principal, tenant_uuid, lock=lock)
    if tenant is None:
        raise NotFound
    return tenant


async def one(
    request: Request,
    session: SessionDep,
    runtime: TenantRuntime,
    principal: Principal,
    tenant: Tenant,
) -> TenantRead:
    """The API's view of one tenant, with its progress."""
    return (await tenant_reads(request, session, runtime, principal, [tenant]))[0]


@router.get("/", responses=READ_ERRORS, summary="Tenants the caller may see")
async def list_tenants(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    name_exact: str | None = None,
    state: list[str] | None = Query(default=None),
    customer_uuid: uuid.UUID | None = Query(default=None, alias="customer_uuid"),
    project_uuid: uuid.UUID | None = None,
    service_settings_uuid: uuid.UUID | None = None,
    backend_id: str | None = None,
    marketplace_resource_uuid: uuid.UUID | None = None,
) -> list[TenantRead]:
    conditions: list[ColumnElement[bool]] = []
    if name is not None:
        conditions.append(Tenant.name.icontains(name, autoescape=True))
    if state:
        conditions.append(Tenant.state.in_(state))
    for column, value in (
        (Tenant.name, name_exact),
        (Tenant.customer_uuid, customer_uuid),
        (Tenant.project_uuid, project_uuid),
        (Tenant.connection_uuid, service_settings_uuid),
        (Tenant.backend_id, backend_id),
        (Tenant.marketplace_resource_uuid, marketplace_resource_uuid),
    ):
        if value is not None:
            conditions.append(column == value)
    rows = await paginate(session, repository.visible_tenants(principal, *conditions), page)
    return await tenant_reads(request, session, runtime, principal, rows, with_progress=False)


@router.get("/{tenant_uuid}/", responses=READ_ERRORS, summary="One tenant, with its progress")
async def get_tenant(
    request: Request,
    tenant_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: TenantRuntimeDep,
) -> TenantRead:
    tenant = await get_visible(session, principal, tenant_uuid)
    return await one(request, session, runtime, principal, tenant)
