"""`/api/openstack-instances/`: instances one sees, made directly (202) or deleted (202:
DELETE keeps the volumes, `force_destroy` deletes them too).

Reading: whoever sees the tenant's organisation or project. Making and deleting: staff,
the organisation's owners, the project's admins and managers. Instances are also ordered
through the marketplace (`OpenStack.Instance` offerings of the tenant).
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import get_visible, require_writer, visible, writable_tenant
from stackyard_common.resources.events import Actor
from stackyard_common.resources.references import parse_reference
from stackyard_compute.common.runtime import ComputeRuntimeDep
from stackyard_compute.instances import actions
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.planning import check_volumes, plan_instance
from stackyard_compute.instances.schemas import InstanceCreate, InstanceRead
from stackyard_compute.instances.service import create_instance
from stackyard_compute.instances.views import COLLECTION, instance_reads

__all__ = ["ERRORS", "router", "writable_instance"]

router = APIRouter(prefix=COLLECTION, tags=["openstack-instances"])
ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict, ServiceUnavailable
)


async def writable_instance(session: AsyncSession, principal: Principal, key: UUID) -> Instance:
    """The instance, row-locked, if `principal` sees it (404) and may change it (403)."""
    instance = await get_visible(session, principal, Instance, key, lock=True)
    await require_writer(session, principal, instance)
    return instance


@router.get("/", responses=ERRORS, summary="Instances the caller may see, with their progress")
async def list_instances(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    state: list[str] | None = Query(default=None),
    tenant_uuid: UUID | None = None,
    project_uuid: UUID | None = None,
    customer_uuid: UUID | None = None,
    runtime_state: str | None = None,
    backend_id: str | None = None,
    marketplace_resource_uuid: UUID | None = None,
) -> list[InstanceRead]:
    conditions: list[ColumnElement[bool]] = []
    if name is not None:
        conditions.append(Instance.name.icontains(name, autoescape=True))
    if state:
        conditions.append(Instance.state.in_(state))
    for column, value in (
        (Instance.tenant_uuid, tenant_uuid),
        (Instance.project_uuid, project_uuid),
        (Instance.customer_uuid, customer_uuid),
        (Instance.runtime_state, runtime_state),
        (Instance.backend_id, backend_id),
        (Instance.marketplace_resource_uuid, marketplace_resource_uuid),
    ):
        if value is not None:
            conditions.append(column == value)
    rows = await paginate(session, visible(Instance, principal, *conditions), page)
    return await instance_reads(request, session, rows)


@router.get("/{instance_uuid}/", responses=ERRORS, summary="One instance, with its progress")
async def get_instance(
    request: Request, instance_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> InstanceRead:
    instance = await get_visible(session, principal, Instance, instance_uuid)
    return (await instance_reads(request, session, [instance]))[0]


@router.post("/", status_code=status.HTTP_202_ACCEPTED, responses=ERRORS, summary="Make one")
async def post_instance(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    runtime: ComputeRuntimeDep,
    data: InstanceCreate,
) -> InstanceRead:
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    planned = await plan_instance(session, tenant, data, settings=runtime.compute)
    await check_volumes(runtime, tenant, planned)
    instance = await create_instance(session, tenant, planned, actor=Actor.of(principal))
    return (await instance_reads(request, session, [instance]))[0]


@router.delete(
    "/{instance_uuid}/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Delete the instance, keeping its volumes (SHUTOFF and OK, or ERRED)",
)
async def delete_instance(
    instance_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.schedule_delete(
        session, instance, destroy_volumes=False, actor=Actor.of(principal)
    )
    return {"status": "accepted"}


@router.post(
    "/{instance_uuid}/force_destroy/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Delete the instance and its volumes (SHUTOFF and OK, or ERRED)",
)
async def force_destroy(
    instance_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.schedule_delete(
        session, instance, destroy_volumes=True, actor=Actor.of(principal)
    )
    return {"status": "accepted"}
