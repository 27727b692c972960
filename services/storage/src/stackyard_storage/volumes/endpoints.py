"""`/api/openstack-volumes/`: volumes one sees, made directly (202) or deleted (202).

Reading: whoever sees the tenant's organisation or project. Making and deleting: staff,
the organisation's owners, the project's admins and managers. Volumes are also ordered
through the marketplace (`OpenStack.Volume` offerings of the tenant).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import ColumnElement

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
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import get_visible, require_writer, visible, writable_tenant
from stackyard_common.resources.events import Actor
from stackyard_common.resources.references import parse_reference
from stackyard_storage.common.runtime import StorageRuntimeDep
from stackyard_storage.snapshots.service import snapshots
from stackyard_storage.volumes import actions
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.schemas import VolumeCreate, VolumeRead
from stackyard_storage.volumes.service import checked_spec, create_volume
from stackyard_storage.volumes.views import COLLECTION, volume_reads

__all__ = ["ERRORS", "router"]

router = APIRouter(prefix=COLLECTION, tags=["openstack-volumes"])
ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict, ServiceUnavailable
)


@router.get("/", responses=ERRORS, summary="Volumes the caller may see, with their progress")
async def list_volumes(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    state: list[str] | None = Query(default=None),
    tenant_uuid: uuid.UUID | None = None,
    project_uuid: uuid.UUID | None = None,
    customer_uuid: uuid.UUID | None = None,
    instance_uuid: uuid.UUID | None = None,
    backend_id: str | None = None,
    runtime_state: str | None = None,
    marketplace_resource_uuid: uuid.UUID | None = None,
) -> list[VolumeRead]:
    conditions: list[ColumnElement[bool]] = []
    if name is not None:
        conditions.append(Volume.name.icontains(name, autoescape=True))
    if state:
        conditions.append(Volume.state.in_(state))
    for column, value in (
        (Volume.tenant_uuid, tenant_uuid),
        (Volume.project_uuid, project_uuid),
        (Volume.customer_uuid, customer_uuid),
        (Volume.instance_uuid, instance_uuid),
        (Volume.backend_id, backend_id),
        (Volume.runtime_state, runtime_state),
        (Volume.marketplace_resource_uuid, marketplace_resource_uuid),
    ):
        if value is not None:
            conditions.append(column == value)
    rows = await paginate(session, visible(Volume, principal, *conditions), page)
    return await volume_reads(request, session, rows, with_progress=True)


@router.get("/{volume_uuid}/", responses=ERRORS, summary="One volume, with its progress")
async def get_volume(
    request: Request, volume_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> VolumeRead:
    volume = await get_visible(session, principal, Volume, volume_uuid)
    return (await volume_reads(request, session, [volume], with_progress=True))[0]


@router.post("/", status_code=status.HTTP_202_ACCEPTED, responses=ERRORS, summary="Make a volume")
async def post_volume(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    runtime: StorageRuntimeDep,
    data: VolumeCreate,
) -> VolumeRead:
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    actor = Actor.of(principal)
    if data.snapshot is not None:
        snapshot = await get_visible(
            session, principal, snapshots.model, parse_reference("snapshot", data.snapshot)
        )
        volume = await snapshots.restore(
            session, runtime, snapshot, name=data.name, description=data.description, actor=actor
        )
    else:
        spec = await checked_spec(
            session,
            runtime,
            tenant,
            name=data.name,
            size=data.size,
            description=data.description,
            type_ref=data.type,
            zone=data.availability_zone,
            image=data.image,
        )
        volume = await create_volume(session, tenant, spec, actor=actor)
    return (await volume_reads(request, session, [volume], with_progress=True))[0]


@router.delete(
    "/{volume_uuid}/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    summary="Delete the volume (it must not be attached)",
)
async def delete_volume(
    volume_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    volume = await get_visible(session, principal, Volume, volume_uuid, lock=True)
    await require_writer(session, principal, volume)
    await actions.schedule_delete(session, volume, Actor.of(principal))
    return {"status": "accepted"}
