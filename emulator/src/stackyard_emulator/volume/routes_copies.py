"""Cinder snapshots and backups (with restore)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, ProjectAuthDep
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.pagination import parse_bool
from stackyard_emulator.store import Record, schedule
from stackyard_emulator.timeutil import iso_micro
from stackyard_emulator.web import empty, member, read_json, reply

from . import volumes as ops
from .listing import list_page
from .state import VolumeState
from .views import VolumeDep, VolumeVersionDep, backup_view, bad, links, snapshot_view

router = APIRouter(prefix="/volume/v3/{project_id}")

_SNAPSHOT_FILTERS: dict[str, str | None] = {
    "name": "name",
    "status": "status",
    "volume_id": "volume_id",
    "id": "id",
}
_BACKUP_FILTERS: dict[str, str | None] = {
    "name": "name",
    "status": "status",
    "volume_id": "volume_id",
    "id": "id",
}


def _available_later(
    vol: VolumeState, record: Record, delay: float, status: str = "available"
) -> None:
    def done(rec: Record) -> None:
        rec["status"] = status
        rec["updated_at"] = iso_micro()

    schedule(record, delay, done)


# ----- snapshots --------------------------------------------------------------------


async def _list_snapshots(
    request: Request, vol: VolumeState, version: Any, context: AuthContext
) -> Response:
    page, extra = list_page(
        request, vol.snapshots, context, _SNAPSHOT_FILTERS, vol.cloud.config.base_url, "snapshots"
    )
    return reply(
        {"snapshots": [snapshot_view(vol, s, version, context.is_admin) for s in page], **extra}
    )


@router.get("/snapshots")
async def list_snapshots(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Snapshots."""
    return await _list_snapshots(request, vol, version, context)


@router.get("/snapshots/detail")
async def list_snapshots_detail(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Snapshots in detail."""
    return await _list_snapshots(request, vol, version, context)


@router.post("/snapshots")
async def create_snapshot(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Snapshot a volume (an in-use one needs ``force`` before 3.66)."""
    spec = member(await read_json(request, bad), "snapshot", bad)
    volume = vol.volume(str(spec.get("volume_id")), context.project, context.is_admin)
    force = parse_bool(str(spec.get("force", "false"))) is True or version >= (3, 66)
    if volume["status"] != "available" and not (volume["status"] == "in-use" and force):
        raise bad(
            f"Invalid volume: Volume {volume['id']} status must be available, but "
            f"current status is: {volume['status']}."
        )
    name = vol.type_name(volume["_type_id"])
    vol.check_quota(
        volume["_project"],
        {
            "snapshots": 1,
            "gigabytes": volume["size"],
            f"snapshots_{name}": 1,
            f"gigabytes_{name}": volume["size"],
        },
    )
    metadata = spec.get("metadata") or {}
    snapshot: Record = {
        "id": new_uuid(),
        "name": spec.get("name"),
        "description": spec.get("description"),
        "status": "creating",
        "size": volume["size"],
        "volume_id": volume["id"],
        "created_at": iso_micro(),
        "updated_at": None,
        "metadata": {str(k): str(v) for k, v in metadata.items()},
        "_project": volume["_project"],
        "_user": context.user_id,
        "_type_id": volume["_type_id"],
        "_bootable": volume["bootable"] == "true",
        "_image_metadata": volume.get("volume_image_metadata"),
    }
    vol.snapshots.insert(snapshot, volume["_project"])
    _available_later(vol, snapshot, vol.cloud.config.delays.snapshot)
    return reply({"snapshot": snapshot_view(vol, snapshot, version, context.is_admin)}, status=202)


@router.get("/snapshots/{snapshot_id}")
async def show_snapshot(
    snapshot_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """One snapshot."""
    snapshot = vol.snapshot(snapshot_id, context.project, context.is_admin)
    return reply({"snapshot": snapshot_view(vol, snapshot, version, context.is_admin)})


@router.put("/snapshots/{snapshot_id}")
async def update_snapshot(
    snapshot_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Rename or describe a snapshot."""
    snapshot = vol.snapshot(snapshot_id, context.project, context.is_admin)
    spec = member(await read_json(request, bad), "snapshot", bad)
    for key in ("name", "description"):
        if key in spec:
            snapshot[key] = spec[key]
    snapshot["updated_at"] = iso_micro()
    return reply({"snapshot": snapshot_view(vol, snapshot, version, context.is_admin)})


@router.delete("/snapshots/{snapshot_id}")
async def delete_snapshot(
    snapshot_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Delete an available (or errored) snapshot."""
    snapshot = vol.snapshot(snapshot_id, context.project, context.is_admin)
    if snapshot["status"] not in ("available", "error", "error_deleting"):
        raise bad(
            "Invalid snapshot: Volume Snapshot status must be available or error or "
            "error_restoring or unmanage_failed"
        )
    vol.snapshots.remove(snapshot_id)
    return empty(202)


# ----- backups ----------------------------------------------------------------------


async def _list_backups(
    request: Request, vol: VolumeState, version: Any, context: AuthContext, detail: bool
) -> Response:
    page, extra = list_page(
        request, vol.backups, context, _BACKUP_FILTERS, vol.cloud.config.base_url, "backups"
    )
    if detail:
        items = [backup_view(vol, b, version, context.is_admin) for b in page]
    else:
        items = [
            {
                "id": b["id"],
                "name": b["name"],
                "links": links(vol, b["_project"], "backups", b["id"]),
            }
            for b in page
        ]
    return reply({"backups": items, **extra})


@router.get("/backups")
async def list_backups(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Backups (ids, names, links)."""
    return await _list_backups(request, vol, version, context, detail=False)


@router.get("/backups/detail")
async def list_backups_detail(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Backups in detail."""
    return await _list_backups(request, vol, version, context, detail=True)


@router.post("/backups")
async def create_backup(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Back a volume up: the volume shows ``backing-up`` until the backup is ``available``."""
    spec = member(await read_json(request, bad), "backup", bad)
    volume = vol.volume(str(spec.get("volume_id")), context.project, context.is_admin)
    force = parse_bool(str(spec.get("force", "false"))) is True
    if volume["status"] == "in-use" and not force:
        raise bad("Invalid volume: Backing up an in-use volume must use the force flag.")
    if volume["status"] not in ("available", "in-use"):
        raise bad(
            f"Invalid volume: The volume must be available or in-use, but the current "
            f'status is "{volume["status"]}".'
        )
    incremental = parse_bool(str(spec.get("incremental", "false"))) is True
    parents = [
        b
        for b in vol.backups.values(volume["_project"])
        if b["volume_id"] == volume["id"] and b["status"] == "available"
    ]
    if incremental and not parents:
        raise bad("Invalid backup: No backups available to do an incremental backup.")
    vol.check_quota(volume["_project"], {"backups": 1, "backup_gigabytes": volume["size"]})
    now = iso_micro()
    backup: Record = {
        "id": new_uuid(),
        "name": spec.get("name"),
        "description": spec.get("description"),
        "status": "creating",
        "availability_zone": volume["availability_zone"],
        "container": spec.get("container") or "volumebackups",
        "created_at": now,
        "updated_at": now,
        "data_timestamp": now,
        "fail_reason": None,
        "has_dependent_backups": False,
        "is_incremental": incremental,
        "object_count": 0,
        "size": volume["size"],
        "snapshot_id": spec.get("snapshot_id"),
        "volume_id": volume["id"],
        "metadata": dict(spec.get("metadata") or {}),
        "_project": volume["_project"],
        "_user": context.user_id,
        "_parent": parents[-1]["id"] if incremental and parents else None,
        "_bootable": volume["bootable"] == "true",
    }
    if backup["_parent"]:
        parent = vol.backups.get(backup["_parent"])
        if parent is not None:
            parent["has_dependent_backups"] = True
    vol.backups.insert(backup, volume["_project"])
    previous = volume["status"]
    volume["status"] = "backing-up"
    delay = vol.cloud.config.delays.backup
    _available_later(vol, volume, delay, previous)

    def done(rec: Record) -> None:
        rec.update(status="available", object_count=max(1, rec["size"]), updated_at=iso_micro())

    schedule(backup, delay, done)
    return reply(
        {
            "backup": {
                "id": backup["id"],
                "name": backup["name"],
                "links": links(vol, backup["_project"], "backups", backup["id"]),
            }
        },
        status=202,
    )


@router.get("/backups/{backup_id}")
async def show_backup(
    backup_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """One backup."""
    backup = vol.backup(backup_id, context.project, context.is_admin)
    return reply({"backup": backup_view(vol, backup, version, context.is_admin)})


@router.delete("/backups/{backup_id}")
async def delete_backup(
    backup_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Delete a backup without dependent incremental backups."""
    backup = vol.backup(backup_id, context.project, context.is_admin)
    if backup["status"] not in ("available", "error"):
        raise bad("Invalid backup: Backup status must be available or error")
    if backup["has_dependent_backups"]:
        raise bad("Invalid backup: Incremental backups exist for this backup.")
    vol.backups.remove(backup_id)
    if backup["_parent"]:
        parent = vol.backups.get(backup["_parent"])
        if parent is not None:
            parent["has_dependent_backups"] = any(
                b["_parent"] == parent["id"] for b in vol.backups.values(backup["_project"])
            )
    return empty(202)


@router.post("/backups/{backup_id}/restore")
async def restore_backup(
    backup_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Restore into an existing volume or a new one (``restoring-backup`` → ``available``)."""
    backup = vol.backup(backup_id, context.project, context.is_admin)
    spec = member(await read_json(request, bad), "restore", bad)
    if backup["status"] != "available":
        raise bad(f"Invalid backup: Backup status must be available but got {backup['status']}.")
    delay = vol.cloud.config.delays.backup
    if spec.get("volume_id"):
        volume = vol.volume(str(spec["volume_id"]), context.project, context.is_admin)
        if volume["status"] != "available":
            raise bad("Invalid volume: Volume to be restored to must be available")
        if volume["size"] < backup["size"]:
            raise bad(
                f"Invalid volume: volume size {volume['size']} is too small to restore "
                f"backup of size {backup['size']}."
            )
    else:
        name = spec.get("name") or f"restore_backup_{backup_id}"
        volume = ops.new_volume(
            vol,
            context.project,
            context.user_id,
            {
                "size": backup["size"],
                "name": name,
                "availability_zone": backup["availability_zone"],
            },
            is_admin=context.is_admin,
        )
        volume.pop("_then", None)
        volume.pop("_due", None)
    volume["status"] = "restoring-backup"
    volume["bootable"] = "true" if backup["_bootable"] else volume["bootable"]
    _available_later(vol, volume, delay)
    backup["status"] = "restoring"
    _available_later(vol, backup, delay)
    return reply(
        {
            "restore": {
                "backup_id": backup_id,
                "volume_id": volume["id"],
                "volume_name": volume["name"],
            }
        },
        status=202,
    )
