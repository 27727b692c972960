"""Storage's internal API for the operators' commands (`stackyard
pull-openstack-volume-metadata`), on storage's own port only: service tokens, never
routed by the gateway.

    GET  /internal/operators/tenants                             the usable tenants
    POST /internal/operators/tenants/{uuid}/pull-volume-metadata  {"dry_run": bool}:
                                                                 the volumes whose
                                                                 metadata changed (or
                                                                 would change)

A tenant is handled per request, so a command shows its progress and one tenant's
failure does not hide the others'. A cloud that refuses answers 503 with the cloud's
message; a tenant that is not usable answers 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from stackyard_common.api import NotFound, ServiceUnavailable
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_common.openstack import OpenStackError
from stackyard_common.tenants import get_tenant
from stackyard_common.tenants.tasks import usable_tenants
from stackyard_storage.common.runtime import StorageRuntimeDep
from stackyard_storage.pulls.metadata import pull_volume_metadata

__all__ = ["router"]

router = APIRouter(prefix="/internal/operators", include_in_schema=False)


class DryRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = False


@router.get("/tenants")
async def list_tenants(caller: ServiceCaller, session: SessionDep) -> list[dict[str, str]]:
    return [
        {"uuid": str(tenant.uuid), "name": tenant.name} for tenant in await usable_tenants(session)
    ]


@router.post("/tenants/{tenant_uuid}/pull-volume-metadata")
async def pull_metadata(
    tenant_uuid: uuid.UUID,
    body: DryRun,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: StorageRuntimeDep,
) -> dict[str, Any]:
    tenant = await get_tenant(session, tenant_uuid)
    if tenant is None or not tenant.usable:
        raise NotFound("No such usable tenant.")
    try:
        changes = await pull_volume_metadata(session, runtime.clouds, tenant, dry_run=body.dry_run)
    except OpenStackError as error:
        raise ServiceUnavailable(f"The cloud refused: {error}") from error
    return {
        "tenant_uuid": str(tenant.uuid),
        "dry_run": body.dry_run,
        "changes": [
            {
                "volume_uuid": str(change.volume_uuid),
                "name": change.name,
                "backend_id": change.backend_id,
                "before": change.before,
                "after": change.after,
                "differences": change.differences(),
            }
            for change in changes
        ],
    }
