"""`/api/openstack-tenants/`: creating, changing and deleting tenants directly, their
quotas, pulls from the cloud, and staff's `set_erred`, `set_ok` and `unlink`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
    error_responses,
)
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_identity.tenants import actions
from stackyard_identity.tenants.endpoints import get_visible, one
from stackyard_identity.tenants.models import TenantState
from stackyard_identity.tenants.runtime import TenantRuntimeDep
from stackyard_identity.tenants.schemas import (
    TenantCreate,
    TenantQuota,
    TenantRead,
    TenantSetErredRequest,
    TenantSetQuotasRequest,
    TenantUpdate,
)
from stackyard_identity.tenants.views import quota_list

__all__ = ["router"]

router = APIRouter(prefix="/api/openstack-tenants", tags=["openstack-tenants"])

ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict, ServiceUnavailable
)
ACCEPTED = {"status": "accepted"}


@router.post(
    "/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Create a tenant without an order (staff)",
)
async def create_tenant(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    data: TenantCreate,
) -> TenantRead:
    tenant = await actions.create_directly(session, runtime, principal, data)
    return await one(request, session, runtime, principal, tenant)


@router.patch("/{tenant_uuid}/", responses=ERRORS, summary="Rename or describe (staff, owners)")
async def update_tenant(
    request: Request,
    tenant_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: TenantRuntimeDep,
    data: TenantUpdate,
) -> TenantRead:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    tenant = await actions.update_record(session, principal, tenant, data)
    return await one(request, session, runtime, principal, tenant)


@router.delete(
    "/{tenant_uuid}/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Tear the tenant down (staff)",
)
async def delete_tenant(
    tenant_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    await actions.delete_directly(session, principal, tenant)
    return ACCEPTED


@router.get("/{tenant_uuid}/quotas/", responses=ERRORS, summary="Quotas and their usage")
async def tenant_quotas(
    tenant_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> list[TenantQuota]:
    return quota_list(await get_visible(session, principal, tenant_uuid))


@router.post(
    "/{tenant_uuid}/set_quotas/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Push new quotas (staff)",
)
async def set_quotas(
    tenant_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: TenantSetQuotasRequest,
) -> dict[str, str]:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    await actions.set_quotas(session, principal, tenant, data)
    return ACCEPTED


@router.post(
    "/{tenant_uuid}/pull/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Read quotas, usage and properties back from the cloud (staff, owners)",
)
async def pull(
    tenant_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    await actions.pull(session, principal, tenant)
    return {"detail": "Pull operation was successfully scheduled."}


def _pull_route(path: str, part: str) -> None:
    async def pull_part(
        tenant_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
    ) -> dict[str, str]:
        tenant = await get_visible(session, principal, tenant_uuid, lock=True)
        await actions.pull_parts(session, principal, tenant, [part])
        return ACCEPTED

    router.add_api_route(
        f"/{{tenant_uuid}}/{path}/",
        pull_part,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        responses=ERRORS,
        summary=f"Read the tenant's {part.replace('_', ' ')} from the cloud (staff, owners)",
        operation_id=f"openstack_tenants_{path}",
    )


for _path, _part in (
    ("pull_flavors", "flavors"),
    ("pull_images", "images"),
    ("pull_volume_types", "volume_types"),
):
    _pull_route(_path, _part)


@router.post("/{tenant_uuid}/set_erred/", responses=ERRORS, summary="Force ERRED (staff)")
async def set_erred(
    tenant_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: TenantSetErredRequest | None = None,
) -> dict[str, str]:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    message = data.error_message if data else TenantSetErredRequest().error_message
    await actions.force_state(session, principal, tenant, TenantState.ERRED, message)
    return {"detail": "Tenant has been marked as erred."}


@router.post("/{tenant_uuid}/set_ok/", responses=ERRORS, summary="Force OK (staff)")
async def set_ok(
    tenant_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    await actions.force_state(session, principal, tenant, TenantState.OK, "")
    return {"detail": "Tenant has been marked as OK."}


@router.post(
    "/{tenant_uuid}/unlink/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ERRORS,
    summary="Forget the tenant, leaving the cloud as it is (staff)",
)
async def unlink(tenant_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
    tenant = await get_visible(session, principal, tenant_uuid, lock=True)
    await actions.unlink(session, principal, tenant)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
