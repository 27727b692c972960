"""How Cinder shows volumes, snapshots, backups and types at a given microversion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import Request

from stackyard_emulator.errors import ApiError, cinder_error
from stackyard_emulator.microversion import Version, negotiate
from stackyard_emulator.store import Record

from .state import VolumeState

MIN_VERSION: Version = (3, 0)
MAX_VERSION: Version = (3, 70)


async def volume_version(request: Request) -> Version:
    """The microversion of a Cinder request (3.0 when none is asked for)."""
    return negotiate(request, "volume", None, MIN_VERSION, MAX_VERSION, cinder_error)


async def volume_state(request: Request) -> VolumeState:
    """The volume state of the cloud serving ``request``."""
    state: VolumeState = request.app.state.cloud.volume
    return state


VolumeVersionDep = Annotated[Version, Depends(volume_version)]
VolumeDep = Annotated[VolumeState, Depends(volume_state)]


def bad(message: str) -> ApiError:
    """Cinder's 400."""
    return cinder_error(400, message)


def links(vol: VolumeState, project_id: str, collection: str, rid: str) -> list[dict[str, str]]:
    """Cinder's self and bookmark links."""
    base = vol.cloud.config.base_url
    return [
        {"href": f"{base}/volume/v3/{project_id}/{collection}/{rid}", "rel": "self"},
        {"href": f"{base}/volume/{project_id}/{collection}/{rid}", "rel": "bookmark"},
    ]


def volume_view(
    vol: VolumeState, volume: Record, version: Version, is_admin: bool
) -> dict[str, Any]:
    """A volume in detail."""
    view: dict[str, Any] = {
        "id": volume["id"],
        "name": volume["name"],
        "description": volume["description"],
        "size": volume["size"],
        "status": volume["status"],
        "availability_zone": volume["availability_zone"],
        "created_at": volume["created_at"],
        "updated_at": volume["updated_at"],
        "attachments": [dict(a) for a in volume["attachments"]],
        "bootable": volume["bootable"],
        "encrypted": volume["encrypted"],
        "multiattach": volume["multiattach"],
        "snapshot_id": volume["snapshot_id"],
        "source_volid": volume["source_volid"],
        "metadata": dict(volume["metadata"]),
        "volume_type": vol.type_name(volume["_type_id"]),
        "links": links(vol, volume["_project"], "volumes", volume["id"]),
        "user_id": volume["_user"],
        "replication_status": volume["replication_status"],
        "consistencygroup_id": volume["consistencygroup_id"],
        "os-vol-tenant-attr:tenant_id": volume["_project"],
    }
    if "volume_image_metadata" in volume:
        view["volume_image_metadata"] = dict(volume["volume_image_metadata"])
    if is_admin:
        view.update(
            {
                "os-vol-host-attr:host": volume["_host"],
                "os-vol-mig-status-attr:migstat": volume["migration_status"],
                "os-vol-mig-status-attr:name_id": None,
                "migration_status": volume["migration_status"],
            }
        )
    if version >= (3, 13):
        view["group_id"] = volume["group_id"]
    if version >= (3, 21) and is_admin:
        view["provider_id"] = None
    if version >= (3, 48):
        view["shared_targets"] = False
        view["service_uuid"] = "00000000-0000-0000-0000-000000000001"
    if version >= (3, 61) and is_admin:
        view["cluster_name"] = None
    if version >= (3, 63):
        view["volume_type_id"] = volume["_type_id"]
    if version >= (3, 65):
        view["consumes_quota"] = True
    return view


def snapshot_view(
    vol: VolumeState, snapshot: Record, version: Version, is_admin: bool
) -> dict[str, Any]:
    """A snapshot in detail."""
    view: dict[str, Any] = {
        "id": snapshot["id"],
        "name": snapshot["name"],
        "description": snapshot["description"],
        "status": snapshot["status"],
        "size": snapshot["size"],
        "volume_id": snapshot["volume_id"],
        "created_at": snapshot["created_at"],
        "updated_at": snapshot["updated_at"],
        "metadata": dict(snapshot["metadata"]),
        "os-extended-snapshot-attributes:progress": "100%"
        if snapshot["status"] == "available"
        else "0%",
        "os-extended-snapshot-attributes:project_id": snapshot["_project"],
    }
    if version >= (3, 14):
        view["group_snapshot_id"] = None
    if version >= (3, 41):
        view["user_id"] = snapshot["_user"]
    if version >= (3, 65):
        view["consumes_quota"] = True
    return view


def backup_view(
    vol: VolumeState, backup: Record, version: Version, is_admin: bool
) -> dict[str, Any]:
    """A backup in detail."""
    view: dict[str, Any] = {
        "id": backup["id"],
        "name": backup["name"],
        "description": backup["description"],
        "status": backup["status"],
        "availability_zone": backup["availability_zone"],
        "container": backup["container"],
        "created_at": backup["created_at"],
        "updated_at": backup["updated_at"],
        "data_timestamp": backup["data_timestamp"],
        "fail_reason": backup["fail_reason"],
        "has_dependent_backups": backup["has_dependent_backups"],
        "is_incremental": backup["is_incremental"],
        "object_count": backup["object_count"],
        "size": backup["size"],
        "snapshot_id": backup["snapshot_id"],
        "volume_id": backup["volume_id"],
        "links": links(vol, backup["_project"], "backups", backup["id"]),
    }
    if version >= (3, 18) and is_admin:
        view["os-backup-project-attr:project_id"] = backup["_project"]
    if version >= (3, 43):
        view["metadata"] = dict(backup["metadata"])
    if version >= (3, 56):
        view["user_id"] = backup["_user"]
    if version >= (3, 64):
        view["encryption_key_id"] = None
    return view


def type_view(vtype: Record) -> dict[str, Any]:
    """A volume type."""
    return {
        k: (dict(v) if isinstance(v, dict) else v)
        for k, v in vtype.items()
        if not k.startswith("_")
    }
