"""Storage's internal API for compute (storage's own port, service tokens only).

    POST   /internal/volumes/validate        would storage make this volume? 200 {} or 400
    POST   /internal/volumes/                make a volume (the caller chooses its uuid:
                                             a repeat answers 200 with the same volume)
    GET    /internal/volumes/{uuid}          the volume (404 when there is none)
    DELETE /internal/volumes/{uuid}          delete it (202; 404 when there is none;
                                             409 while it is busy)
    POST   /internal/volumes/{uuid}/attach   attach it to a server (202; 409 when busy)
    POST   /internal/volumes/{uuid}/detach   detach it (202)
    POST   /internal/volumes/{uuid}/link     record an attachment compute made at boot, or
                                             its end when the server went (200)

Bodies name sizes in MiB; field errors are the public API's (`size`, `type`,
`availability_zone`, `image`). Every change is an event, as from the public API.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import usable_tenant
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import ResourceState
from stackyard_storage.common.runtime import StorageRuntimeDep
from stackyard_storage.volumes import actions
from stackyard_storage.volumes.events import STATE_CHANGED, volume_event
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.service import checked_spec, create_volume

__all__ = ["router"]

router = APIRouter(prefix="/internal/volumes", include_in_schema=False)


class VolumeOrder(BaseModel):
    """A volume compute wants (for an instance's system or data disk)."""

    model_config = ConfigDict(extra="ignore")

    tenant_uuid: UUID
    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    size: int | None = Field(default=None, ge=1024)
    type: str | None = None
    availability_zone: str | None = None
    image: str | None = None
    role: str = ""
    actor_uuid: UUID | None = None
    actor_username: str = "system"


class NewVolume(VolumeOrder):
    uuid: UUID


class InternalVolume(BaseModel):
    uuid: UUID
    name: str
    tenant_uuid: UUID
    state: str
    runtime_state: str
    error_message: str
    backend_id: str
    size: int
    type_name: str
    bootable: bool
    role: str
    instance_uuid: UUID | None
    device: str


class Attachment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    instance_uuid: UUID
    instance_name: str = ""
    server_id: str
    actor_uuid: UUID | None = None
    actor_username: str = "system"


class Link(BaseModel):
    """An attachment that happened (or ended) outside storage's sagas."""

    model_config = ConfigDict(extra="forbid")

    instance_uuid: UUID | None
    instance_name: str = ""
    device: str = ""
    runtime_state: str


def _view(volume: Volume) -> InternalVolume:
    return InternalVolume.model_validate(volume, from_attributes=True)


def _actor(data: VolumeOrder | Attachment) -> Actor:
    return Actor(data.actor_uuid, data.actor_username)


async def _volume(session: AsyncSession, key: UUID, lock: bool = True) -> Volume:
    query = session.get(Volume, key, with_for_update=lock)
    found = await query
    if found is None:
        raise NotFound("No such volume.")
    return found


@router.post("/validate")
async def validate(
    data: VolumeOrder, caller: ServiceCaller, session: SessionDep, runtime: StorageRuntimeDep
) -> dict[str, object]:
    tenant = await usable_tenant(session, data.tenant_uuid, "tenant")
    await checked_spec(
        session,
        runtime,
        tenant,
        name=data.name,
        size=data.size,
        type_ref=data.type,
        zone=data.availability_zone,
        image=data.image,
    )
    return {}


@router.post("/", status_code=status.HTTP_201_CREATED)
async def make(
    data: NewVolume,
    caller: ServiceCaller,
    response: Response,
    session: SessionDep,
    runtime: StorageRuntimeDep,
) -> InternalVolume:
    existing = await session.get(Volume, data.uuid)
    if existing is not None:
        response.status_code = status.HTTP_200_OK
        return _view(existing)
    tenant = await usable_tenant(session, data.tenant_uuid, "tenant")
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
        role=data.role,
    )
    volume = await create_volume(session, tenant, spec, actor=_actor(data), volume_uuid=data.uuid)
    return _view(volume)


@router.get("/{volume_uuid}")
async def read(volume_uuid: UUID, caller: ServiceCaller, session: SessionDep) -> InternalVolume:
    return _view(await _volume(session, volume_uuid, lock=False))


@router.delete("/{volume_uuid}", status_code=status.HTTP_202_ACCEPTED)
async def remove(volume_uuid: UUID, caller: ServiceCaller, session: SessionDep) -> dict[str, str]:
    volume = await _volume(session, volume_uuid)
    if volume.state not in (
        ResourceState.DELETION_SCHEDULED.value,
        ResourceState.DELETING.value,
    ):
        await actions.schedule_delete(session, volume, Actor(None, f"service:{caller}"))
    return {"status": "accepted"}


@router.post("/{volume_uuid}/attach", status_code=status.HTTP_202_ACCEPTED)
async def attach(
    volume_uuid: UUID, data: Attachment, caller: ServiceCaller, session: SessionDep
) -> dict[str, str]:
    volume = await _volume(session, volume_uuid)
    if volume.instance_uuid == data.instance_uuid and volume.state == "OK":
        return {"status": "attached"}
    instance = actions.InstanceRef(
        data.instance_uuid, data.instance_name, volume.tenant_uuid, data.server_id
    )
    await actions.attach(session, volume, instance, _actor(data))
    return {"status": "accepted"}


@router.post("/{volume_uuid}/detach", status_code=status.HTTP_202_ACCEPTED)
async def detach(volume_uuid: UUID, caller: ServiceCaller, session: SessionDep) -> dict[str, str]:
    volume = await _volume(session, volume_uuid)
    if volume.instance_uuid is None and volume.state == "OK":
        return {"status": "detached"}
    await actions.detach(session, volume, Actor(None, f"service:{caller}"))
    return {"status": "accepted"}


@router.post("/{volume_uuid}/link")
async def link(
    volume_uuid: UUID, data: Link, caller: ServiceCaller, session: SessionDep
) -> InternalVolume:
    volume = await _volume(session, volume_uuid)
    volume.instance_uuid = data.instance_uuid
    volume.instance_name = data.instance_name if data.instance_uuid else ""
    volume.device = data.device if data.instance_uuid else ""
    volume.runtime_state = data.runtime_state
    await session.flush()
    await volume_event(session, STATE_CHANGED, volume, actor=Actor(None, f"service:{caller}"))
    return _view(volume)
