"""`/api/openstack-server-groups/`: placement policies in tenants.

GET    /                server groups one sees (filters: tenant, name, policy)
POST   /                a new group `{tenant, name, description, policy}` (202)
GET    /{uuid}/         one group with its progress and its instances' uuids
DELETE /{uuid}/         delete it (202)
POST   /{uuid}/set_erred/, /set_ok/, /unlink/   staff only
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import (
    ensure_idle,
    get_visible,
    require_writer,
    visible,
    writable_tenant,
)
from stackyard_common.resources.action_routes import add_staff_routes
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import SETTLED_STATES, ResourceState
from stackyard_common.resources.references import absolute_url, parse_reference
from stackyard_common.resources.schemas import Progress, progress_of
from stackyard_common.sagas import saga_progress, start_saga
from stackyard_compute.instances.models import Instance
from stackyard_compute.server_groups.events import CREATED, DELETED, STATE_CHANGED, group_event
from stackyard_compute.server_groups.models import Policy, ServerGroup
from stackyard_compute.server_groups.sagas import create_server_group, delete_server_group

__all__ = ["router"]

PATH = "/api/openstack-server-groups"
router = APIRouter(prefix=PATH, tags=["openstack-server-groups"])
ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict)


class ServerGroupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: str = Field(description="The tenant (uuid or URL).")
    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    policy: Policy = Policy.AFFINITY


class ServerGroupRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    description: str
    policy: str
    state: str
    error_message: str
    backend_id: str
    tenant: str
    tenant_uuid: UUID
    project_uuid: UUID
    customer_uuid: UUID
    service_settings_uuid: UUID
    instances: list[UUID]
    progress: Progress | None
    created: datetime
    modified: datetime


async def _read(request: Request, session: AsyncSession, group: ServerGroup) -> ServerGroupRead:
    members = await session.execute(
        select(Instance.uuid).where(Instance.server_group_uuid == group.uuid)
    )
    return ServerGroupRead(
        url=absolute_url(request, f"{PATH}/{group.uuid}/"),
        uuid=group.uuid,
        name=group.name,
        description=group.description,
        policy=group.policy,
        state=group.state,
        error_message=group.error_message,
        backend_id=group.backend_id,
        tenant=absolute_url(request, f"/api/openstack-tenants/{group.tenant_uuid}/"),
        tenant_uuid=group.tenant_uuid,
        project_uuid=group.project_uuid,
        customer_uuid=group.customer_uuid,
        service_settings_uuid=group.service_settings_uuid,
        instances=list(members.scalars()),
        progress=progress_of(await saga_progress(session, group.uuid)),
        created=group.created,
        modified=group.modified,
    )


@router.get("/", responses=ERRORS, summary="Server groups one sees")
async def list_groups(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: UUID | None = None,
    name: str | None = None,
    policy: str | None = None,
) -> list[ServerGroupRead]:
    conditions: list[ColumnElement[bool]] = []
    if tenant_uuid is not None:
        conditions.append(ServerGroup.tenant_uuid == tenant_uuid)
    if name is not None:
        conditions.append(ServerGroup.name.icontains(name, autoescape=True))
    if policy is not None:
        conditions.append(ServerGroup.policy == policy)
    rows = await paginate(session, visible(ServerGroup, principal, *conditions), page)
    return [await _read(request, session, row) for row in rows]


@router.post("/", status_code=status.HTTP_202_ACCEPTED, responses=ERRORS, summary="Make one")
async def create_group(
    request: Request, principal: CurrentUser, session: SessionDep, data: ServerGroupCreate
) -> ServerGroupRead:
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    assert tenant.customer_uuid is not None
    assert tenant.project_uuid is not None
    group = ServerGroup(
        name=data.name,
        description=data.description,
        policy=data.policy.value,
        state=ResourceState.CREATION_SCHEDULED.value,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        service_settings_uuid=tenant.cloud_connection_uuid,
    )
    session.add(group)
    await session.flush()
    await session.refresh(group)
    actor = Actor.of(principal)
    await start_saga(session, create_server_group, group.uuid, actor.as_data())
    await group_event(session, CREATED, group, actor=actor)
    return await _read(request, session, group)


@router.get("/{group_uuid}/", responses=ERRORS, summary="One server group")
async def get_group(
    request: Request, group_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> ServerGroupRead:
    group = await get_visible(session, principal, ServerGroup, group_uuid)
    return await _read(request, session, group)


@router.delete(
    "/{group_uuid}/", status_code=status.HTTP_202_ACCEPTED, responses=ERRORS, summary="Delete it"
)
async def delete_group(
    group_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    group = await get_visible(session, principal, ServerGroup, group_uuid, lock=True)
    await require_writer(session, principal, group)
    await ensure_idle(session, group, *SETTLED_STATES)
    group.state = ResourceState.DELETION_SCHEDULED.value
    await session.flush()
    actor = Actor.of(principal)
    await start_saga(session, delete_server_group, group.uuid, actor.as_data())
    await group_event(session, STATE_CHANGED, group, actor=actor)
    return {"status": "accepted"}


async def _force_state(
    session: AsyncSession, group: ServerGroup, state: ResourceState, error: str, actor: Actor
) -> None:
    group.state, group.error_message = state.value, error
    await session.flush()
    await group_event(session, STATE_CHANGED, group, actor=actor)


async def _unlink(session: AsyncSession, group: ServerGroup, actor: Actor) -> None:
    await group_event(session, DELETED, group, actor=actor)
    await session.execute(delete(ServerGroup).where(ServerGroup.uuid == group.uuid))


add_staff_routes(
    router,
    ServerGroup,
    key="group_uuid",
    label="Server group",
    force_state=_force_state,
    unlink=_unlink,
    responses=ERRORS,
    unlink_summary="Forget it, leaving the cloud as it is (staff)",
)
