"""Identity's internal API for the operators' commands (`stackyard push-tenant-quotas`,
...), on identity's own port only: service tokens, never routed by the gateway.

    GET  /internal/operators/tenants                           tenants, briefly (filters:
                                                               tenant_uuid, connection_uuid)
    GET  /internal/operators/tenants/{uuid}/quota-drift        its drift
    POST /internal/operators/tenants/{uuid}/push-quotas        push drifted limits
    POST /internal/operators/tenants/{uuid}/import-quotas      import the cloud's quotas
    GET  /internal/operators/cloud-connections/{uuid}/leftover-projects
    POST /internal/operators/cloud-connections/{uuid}/leftover-projects/drop

POST bodies are `{"dry_run": bool}`. A tenant is handled per request, so a command shows
its progress and one tenant's failure does not hide the others'. A cloud that cannot be
reached answers 503 with the cloud's message.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from stackyard_common.api import NotFound
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_identity.audit.recording import Actor
from stackyard_identity.cloud_connections import repository as connections
from stackyard_identity.operators.deps import MarketplaceDep, tenant_or_404
from stackyard_identity.operators.drift import TenantDrift, tenant_drift
from stackyard_identity.operators.errors import cloud_errors
from stackyard_identity.operators.leftovers import LeftoverProject, drop_leftovers
from stackyard_identity.operators.quota_sync import (
    QuotaImport,
    QuotaPush,
    import_tenant_quotas,
    push_tenant_quotas,
)
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.runtime import TenantRuntimeDep

__all__ = ["DryRun", "router"]

router = APIRouter(prefix="/internal/operators", include_in_schema=False)


class DryRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = False


@router.get("/tenants")
async def list_tenants(
    caller: ServiceCaller,
    session: SessionDep,
    tenant_uuid: uuid.UUID | None = None,
    connection_uuid: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """Every tenant (or the one asked for), oldest first."""
    query = select(Tenant).order_by(Tenant.created, Tenant.uuid)
    if tenant_uuid is not None:
        query = query.where(Tenant.uuid == tenant_uuid)
    if connection_uuid is not None:
        query = query.where(Tenant.connection_uuid == connection_uuid)
    return [
        {
            "uuid": str(tenant.uuid),
            "name": tenant.name,
            "state": tenant.state,
            "backend_id": tenant.backend_id,
            "connection_uuid": str(tenant.connection_uuid),
            "marketplace_resource_uuid": (
                str(tenant.marketplace_resource_uuid) if tenant.marketplace_resource_uuid else None
            ),
        }
        for tenant in (await session.scalars(query)).all()
    ]


@router.get("/tenants/{tenant_uuid}/quota-drift")
async def quota_drift(
    tenant_uuid: uuid.UUID,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    marketplace: MarketplaceDep,
) -> TenantDrift:
    tenant = await tenant_or_404(session, tenant_uuid, lock=False)
    async with cloud_errors():
        return await tenant_drift(session, runtime, marketplace, tenant)


@router.post("/tenants/{tenant_uuid}/push-quotas")
async def push_quotas(
    tenant_uuid: uuid.UUID,
    data: DryRun,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    marketplace: MarketplaceDep,
) -> QuotaPush:
    tenant = await tenant_or_404(session, tenant_uuid)
    async with cloud_errors():
        return await push_tenant_quotas(
            session,
            runtime,
            marketplace,
            tenant,
            dry_run=data.dry_run,
            actor=Actor(None, f"service:{caller}"),
        )


@router.post("/tenants/{tenant_uuid}/import-quotas")
async def import_quotas(
    tenant_uuid: uuid.UUID,
    data: DryRun,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    marketplace: MarketplaceDep,
) -> QuotaImport:
    tenant = await tenant_or_404(session, tenant_uuid, lock=False)
    async with cloud_errors():
        return await import_tenant_quotas(
            session, runtime, marketplace, tenant, dry_run=data.dry_run
        )


async def _leftovers(
    session: SessionDep, runtime: TenantRuntimeDep, connection_uuid: uuid.UUID, dry_run: bool
) -> list[LeftoverProject]:
    if await connections.by_uuid(session, connection_uuid) is None:
        raise NotFound("No such cloud connection.")
    await runtime.clouds.identity_keys()
    async with cloud_errors():
        cloud = await runtime.clouds.client(connection_uuid)
        return await drop_leftovers(session, cloud, dry_run=dry_run)


@router.get("/cloud-connections/{connection_uuid}/leftover-projects")
async def leftover_projects(
    connection_uuid: uuid.UUID,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: TenantRuntimeDep,
) -> list[LeftoverProject]:
    return await _leftovers(session, runtime, connection_uuid, dry_run=True)


@router.post("/cloud-connections/{connection_uuid}/leftover-projects/drop")
async def drop_leftover_projects(
    connection_uuid: uuid.UUID,
    data: DryRun,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: TenantRuntimeDep,
) -> list[LeftoverProject]:
    return await _leftovers(session, runtime, connection_uuid, dry_run=data.dry_run)
