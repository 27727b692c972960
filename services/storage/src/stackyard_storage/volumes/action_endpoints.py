"""`/api/openstack-volumes/{uuid}/...`: extend, attach, detach, snapshots of the volume
and new volumes from them, and staff's `pull`, `set_erred`, `set_ok` and `unlink`. Every
action that starts cloud work answers 202; its end shows in the volume's state."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import get_visible, require_writer
from stackyard_common.resources.action_routes import add_pull_route, add_staff_routes
from stackyard_common.resources.events import Actor
from stackyard_common.resources.references import parse_reference
from stackyard_storage.common.compute_client import instance_ref
from stackyard_storage.common.copy_endpoints import CopyRead, copy_reads
from stackyard_storage.common.runtime import StorageRuntimeDep
from stackyard_storage.snapshots.service import snapshots
from stackyard_storage.volumes import actions
from stackyard_storage.volumes.endpoints import ERRORS
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.schemas import (
    AttachRequest,
    ExtendRequest,
    FromSnapshotRequest,
    SnapshotRequest,
    VolumeRead,
)
from stackyard_storage.volumes.views import COLLECTION, volume_reads

__all__ = ["router"]

router = APIRouter(prefix=COLLECTION, tags=["openstack-volumes"])
ACCEPTED = {"status": "accepted"}
ACCEPTED_CODE = status.HTTP_202_ACCEPTED


async def _writable(session: AsyncSession, principal: Principal, key: UUID) -> Volume:
    volume = await get_visible(session, principal, Volume, key, lock=True)
    await require_writer(session, principal, volume)
    return volume


@router.post(
    "/{volume_uuid}/extend/",
    status_code=ACCEPTED_CODE,
    responses=ERRORS,
    summary="Grow the volume",
)
async def extend(
    volume_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: StorageRuntimeDep,
    data: ExtendRequest,
) -> dict[str, str]:
    volume = await _writable(session, principal, volume_uuid)
    await actions.extend(session, runtime, volume, data.disk_size, Actor.of(principal))
    return ACCEPTED


@router.post(
    "/{volume_uuid}/attach/",
    status_code=ACCEPTED_CODE,
    responses=ERRORS,
    summary="Attach to an instance",
)
async def attach(
    volume_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: StorageRuntimeDep,
    data: AttachRequest,
) -> dict[str, str]:
    volume = await _writable(session, principal, volume_uuid)
    instance = await instance_ref(runtime, parse_reference("instance", data.instance))
    if instance is None or instance.tenant_uuid != volume.tenant_uuid or not instance.server_id:
        raise ValidationFailed.field("instance", "No such instance in the volume's tenant.")
    await actions.attach(session, volume, instance, Actor.of(principal))
    return ACCEPTED


@router.post(
    "/{volume_uuid}/detach/",
    status_code=ACCEPTED_CODE,
    responses=ERRORS,
    summary="Detach from its instance",
)
async def detach(volume_uuid: UUID, principal: CurrentUser, session: SessionDep) -> dict[str, str]:
    volume = await _writable(session, principal, volume_uuid)
    await actions.detach(session, volume, Actor.of(principal))
    return ACCEPTED


@router.post(
    "/{volume_uuid}/snapshot/",
    status_code=ACCEPTED_CODE,
    responses=ERRORS,
    summary="Snapshot the volume",
)
async def snapshot(
    request: Request,
    volume_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: StorageRuntimeDep,
    data: SnapshotRequest,
) -> CopyRead:
    volume = await _writable(session, principal, volume_uuid)
    record = await snapshots.create(
        session,
        runtime,
        volume,
        name=data.name,
        description=data.description,
        kept_until=data.kept_until,
        actor=Actor.of(principal),
    )
    views = await copy_reads(
        request,
        session,
        "/api/openstack-snapshots",
        "OpenStack.Snapshot",
        [record],
        with_progress=True,
    )
    return views[0]


@router.post(
    "/{volume_uuid}/create_from_snapshot/",
    status_code=ACCEPTED_CODE,
    responses=ERRORS,
    summary="A new volume from a snapshot",
)
async def create_from_snapshot(
    request: Request,
    volume_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: StorageRuntimeDep,
    data: FromSnapshotRequest,
) -> VolumeRead:
    volume = await _writable(session, principal, volume_uuid)
    snapshot = await get_visible(
        session, principal, snapshots.model, parse_reference("snapshot", data.snapshot), lock=True
    )
    if snapshot.source_volume_uuid != volume.uuid:
        raise ValidationFailed.field("snapshot", "The snapshot is not of this volume.")
    made = await snapshots.restore(
        session,
        runtime,
        snapshot,
        name=data.name,
        description=data.description,
        actor=Actor.of(principal),
    )
    return (await volume_reads(request, session, [made], with_progress=True))[0]


add_pull_route(
    router,
    key="volume_uuid",
    writable=_writable,
    pull=actions.pull,
    responses=ERRORS,
    summary="Read the volume back from the cloud",
)
add_staff_routes(
    router,
    Volume,
    key="volume_uuid",
    label="Volume",
    force_state=actions.force_state,
    unlink=actions.unlink,
    responses=ERRORS,
    unlink_summary="Forget the volume, leaving the cloud as it is (staff)",
)
