"""`/api/openstack-snapshots/` and `/api/openstack-backups/`: one router per kind of
copy, the same routes for both.

    GET    /                 copies one sees (filters: tenant, source volume, state, name)
    POST   /                 a copy of a volume (202; `kept_until` optional)
    GET    /{uuid}/          one copy with its progress
    DELETE /{uuid}/          delete it (202)
    POST   /{uuid}/restore/  a new volume from it (202, the new volume)
    POST   /{uuid}/pull/     read it back from the cloud (202)
    POST   /{uuid}/set_erred/, /set_ok/, /unlink/   staff only
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, delete
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
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import (
    ensure_idle,
    get_visible,
    require_writer,
    visible,
)
from stackyard_common.resources.action_routes import add_pull_route, add_staff_routes
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import SETTLED_STATES, ResourceState
from stackyard_common.resources.references import absolute_url, parse_reference
from stackyard_common.resources.schemas import Progress, progress_of
from stackyard_common.sagas import saga_progress, start_saga
from stackyard_storage.common.copies import CopyColumns, copy_event
from stackyard_storage.common.copy_service import CopyService
from stackyard_storage.common.runtime import StorageRuntimeDep
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.schemas import VolumeRead
from stackyard_storage.volumes.views import volume_reads

__all__ = ["CopyCreate", "CopyRead", "copy_reads", "copy_router"]

ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict)


class CopyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_volume: str = Field(description="The volume to copy (uuid or URL).")
    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    kept_until: datetime | None = Field(default=None, description="Deleted after this time.")


class RestoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150, description="The new volume's name.")
    description: str = ""


class CopyRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    description: str
    resource_type: str
    state: str
    runtime_state: str
    error_message: str
    backend_id: str
    size: int
    source_volume: str | None
    source_volume_uuid: UUID | None
    source_volume_name: str
    kept_until: datetime | None
    backend_missing_since: datetime | None = Field(
        default=None, description="Since when a pull no longer finds it in the cloud."
    )
    tenant: str
    tenant_uuid: UUID
    service_settings: str
    service_settings_uuid: UUID
    project: str
    project_uuid: UUID
    customer: str
    customer_uuid: UUID
    progress: Progress | None
    created: datetime
    modified: datetime


async def copy_reads(
    request: Request,
    session: AsyncSession,
    path: str,
    resource_type: str,
    records: list[Any],
    *,
    with_progress: bool,
) -> list[CopyRead]:
    """The API's views of snapshots or backups."""

    def url(target: str) -> str:
        return absolute_url(request, target)

    views = []
    for record in records:
        progress = await saga_progress(session, record.uuid) if with_progress else None
        source = record.source_volume_uuid
        views.append(
            CopyRead(
                url=url(f"{path}/{record.uuid}/"),
                uuid=record.uuid,
                name=record.name,
                description=record.description,
                resource_type=resource_type,
                state=record.state,
                runtime_state=record.runtime_state,
                error_message=record.error_message,
                backend_id=record.backend_id,
                size=record.size,
                source_volume=url(f"/api/openstack-volumes/{source}/") if source else None,
                source_volume_uuid=source,
                source_volume_name=record.source_volume_name,
                kept_until=record.kept_until,
                # Snapshots are pulled and carry the mark; backups are not (yet).
                backend_missing_since=getattr(record, "backend_missing_since", None),
                tenant=url(f"/api/openstack-tenants/{record.tenant_uuid}/"),
                tenant_uuid=record.tenant_uuid,
                service_settings=url(f"/api/service-settings/{record.service_settings_uuid}/"),
                service_settings_uuid=record.service_settings_uuid,
                project=url(f"/api/projects/{record.project_uuid}/"),
                project_uuid=record.project_uuid,
                customer=url(f"/api/customers/{record.customer_uuid}/"),
                customer_uuid=record.customer_uuid,
                progress=progress_of(progress),
                created=record.created,
                modified=record.modified,
            )
        )
    return views


def copy_router(path: str, service: CopyService, resource_type: str) -> APIRouter:
    """The routes of one kind of copy under `path` (see the module's docstring)."""
    router = APIRouter(prefix=path, tags=[path.rsplit("/", 1)[-1]])
    model = service.model
    changed = f"{service.kind}.state_changed.v1"

    async def one(request: Request, session: AsyncSession, record: CopyColumns) -> CopyRead:
        views = await copy_reads(
            request, session, path, resource_type, [record], with_progress=True
        )
        return views[0]

    async def writable(session: AsyncSession, principal: Principal, key: UUID) -> Any:
        record = await get_visible(session, principal, model, key, lock=True)
        await require_writer(session, principal, record)
        return record

    @router.get("/", responses=ERRORS, summary=f"The {service.kind}s one sees")
    async def list_copies(
        request: Request,
        principal: CurrentUser,
        session: SessionDep,
        page: PageDep,
        tenant_uuid: UUID | None = None,
        source_volume_uuid: UUID | None = None,
        project_uuid: UUID | None = None,
        state: str | None = None,
        name: str | None = None,
    ) -> list[CopyRead]:
        conditions: list[ColumnElement[bool]] = []
        for column, value in (
            (model.tenant_uuid, tenant_uuid),
            (model.source_volume_uuid, source_volume_uuid),
            (model.project_uuid, project_uuid),
            (model.state, state),
        ):
            if value is not None:
                conditions.append(column == value)
        if name is not None:
            conditions.append(model.name.icontains(name, autoescape=True))
        rows = await paginate(session, visible(model, principal, *conditions), page)
        return await copy_reads(
            request, session, path, resource_type, list(rows), with_progress=True
        )

    @router.post(
        "/",
        status_code=status.HTTP_202_ACCEPTED,
        responses=ERRORS,
        summary=f"Make a {service.kind}",
    )
    async def create_copy(
        request: Request,
        principal: CurrentUser,
        session: SessionDep,
        runtime: StorageRuntimeDep,
        data: CopyCreate,
    ) -> CopyRead:
        volume_uuid = parse_reference("source_volume", data.source_volume)
        try:
            volume = await get_visible(session, principal, Volume, volume_uuid, lock=True)
        except NotFound as error:
            raise ValidationFailed.field("source_volume", "No such volume.") from error
        await require_writer(session, principal, volume)
        record = await service.create(
            session,
            runtime,
            volume,
            name=data.name,
            description=data.description,
            kept_until=data.kept_until,
            actor=Actor.of(principal),
        )
        return await one(request, session, record)

    @router.get("/{key}/", responses=ERRORS, summary=f"One {service.kind}")
    async def get_copy(
        request: Request, key: UUID, principal: CurrentUser, session: SessionDep
    ) -> CopyRead:
        return await one(request, session, await get_visible(session, principal, model, key))

    @router.delete(
        "/{key}/", status_code=status.HTTP_202_ACCEPTED, responses=ERRORS, summary="Delete it"
    )
    async def delete_copy(key: UUID, principal: CurrentUser, session: SessionDep) -> dict[str, str]:
        record = await writable(session, principal, key)
        await service.schedule_delete(session, record, Actor.of(principal))
        return {"status": "accepted"}

    @router.post(
        "/{key}/restore/",
        status_code=status.HTTP_202_ACCEPTED,
        responses=ERRORS,
        summary="A new volume from it",
    )
    async def restore_copy(
        request: Request,
        key: UUID,
        principal: CurrentUser,
        session: SessionDep,
        runtime: StorageRuntimeDep,
        data: RestoreRequest,
    ) -> VolumeRead:
        record = await writable(session, principal, key)
        volume = await service.restore(
            session,
            runtime,
            record,
            name=data.name,
            description=data.description,
            actor=Actor.of(principal),
        )
        return (await volume_reads(request, session, [volume], with_progress=True))[0]

    async def pull(session: AsyncSession, record: CopyColumns, actor: Actor) -> None:
        await ensure_idle(session, record, *SETTLED_STATES)
        await start_saga(session, service.sagas.pull, record.uuid, actor.as_data())

    async def force_state(
        session: AsyncSession, record: CopyColumns, state: ResourceState, error: str, actor: Actor
    ) -> None:
        record.state, record.error_message = state.value, error
        await session.flush()
        await copy_event(session, changed, record, actor=actor)

    async def unlink(session: AsyncSession, record: CopyColumns, actor: Actor) -> None:
        await copy_event(session, f"{service.kind}.deleted.v1", record, actor=actor)
        await session.execute(delete(model).where(model.uuid == record.uuid))

    add_pull_route(
        router,
        key="key",
        writable=writable,
        pull=pull,
        responses=ERRORS,
        summary="Pull",
        name="pull_copy",
    )
    add_staff_routes(
        router,
        model,
        key="key",
        label=service.kind.capitalize(),
        force_state=force_state,
        unlink=unlink,
        responses=ERRORS,
        unlink_summary="Forget it, leaving the cloud as it is (staff)",
    )
    return router
