"""Cinder volumes: list, create, show, update, delete, and volume actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, ProjectAuthDep
from stackyard_emulator.errors import cinder_error
from stackyard_emulator.pagination import parse_bool
from stackyard_emulator.store import Record, cancel
from stackyard_emulator.timeutil import iso_micro
from stackyard_emulator.web import empty, member, read_json, reply

from . import volumes as ops
from .listing import list_page
from .state import VolumeState
from .views import VolumeDep, VolumeVersionDep, bad, links, volume_view

router = APIRouter(prefix="/volume/v3/{project_id}")

_FILTERS: dict[str, str | None] = {
    "name": "name",
    "status": "status",
    "bootable": "bootable",
    "availability_zone": "availability_zone",
    "id": "id",
    "volume_type": None,
}


async def _list(
    request: Request, vol: VolumeState, version: Any, context: AuthContext, detail: bool
) -> Response:
    wanted = request.query_params.get("volume_type")

    def of_type(volume: Record) -> bool:
        return wanted is None or wanted in (volume["_type_id"], vol.type_name(volume["_type_id"]))

    page, extra = list_page(
        request, vol.volumes, context, _FILTERS, vol.cloud.config.base_url, "volumes", of_type
    )
    if detail:
        items = [volume_view(vol, v, version, context.is_admin) for v in page]
    else:
        items = [
            {
                "id": v["id"],
                "name": v["name"],
                "links": links(vol, v["_project"], "volumes", v["id"]),
            }
            for v in page
        ]
    return reply({"volumes": items, **extra})


@router.get("/volumes")
async def list_volumes(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Volumes (ids, names, links)."""
    return await _list(request, vol, version, context, detail=False)


@router.get("/volumes/detail")
async def list_volumes_detail(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Volumes in detail."""
    return await _list(request, vol, version, context, detail=True)


@router.post("/volumes")
async def create_volume(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Create a volume (empty, from an image, a snapshot or another volume)."""
    spec = member(await read_json(request, bad), "volume", bad)
    if "display_name" in spec and "name" not in spec:
        spec["name"] = spec["display_name"]
    volume = ops.new_volume(vol, context.project, context.user_id, spec, is_admin=context.is_admin)
    return reply({"volume": volume_view(vol, volume, version, context.is_admin)}, status=202)


@router.get("/volumes/{volume_id}")
async def show_volume(
    volume_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """One volume."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    return reply({"volume": volume_view(vol, volume, version, context.is_admin)})


@router.put("/volumes/{volume_id}")
async def update_volume(
    volume_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Rename, describe or set the metadata of a volume."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    spec = member(await read_json(request, bad), "volume", bad)
    for key in ("name", "description"):
        if key in spec:
            volume[key] = spec[key]
    if "metadata" in spec:
        if not isinstance(spec["metadata"], dict):
            raise bad("Invalid input received: metadata must be a dictionary.")
        volume["metadata"] = {str(k): str(v) for k, v in spec["metadata"].items()}
    volume["updated_at"] = iso_micro()
    return reply({"volume": volume_view(vol, volume, version, context.is_admin)})


@router.delete("/volumes/{volume_id}")
async def delete_volume(
    volume_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Delete a detached volume (``cascade=true`` takes its snapshots along)."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    cascade = parse_bool(request.query_params.get("cascade")) is True
    ops.delete_volume(vol, volume, cascade)
    return empty(202)


@router.get("/volumes/{volume_id}/metadata")
async def volume_metadata(
    volume_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """A volume's metadata."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    return reply({"metadata": dict(volume["metadata"])})


@router.post("/volumes/{volume_id}/metadata")
@router.put("/volumes/{volume_id}/metadata")
async def set_volume_metadata(
    volume_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """POST merges, PUT replaces a volume's metadata."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    given = (await read_json(request, bad)).get("metadata")
    if not isinstance(given, dict):
        raise bad("Malformed request body")
    given = {str(k): str(v) for k, v in given.items()}
    volume["metadata"] = given if request.method == "PUT" else {**volume["metadata"], **given}
    return reply({"metadata": dict(volume["metadata"])})


@router.delete("/volumes/{volume_id}/metadata/{key}")
async def delete_volume_metadata(
    volume_id: str, key: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Delete one metadata key."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    if key not in volume["metadata"]:
        raise cinder_error(404, f"Volume {volume_id} has no metadata with key {key}.")
    del volume["metadata"][key]
    return empty(200)


def _attachment_of(volume: Record, arg: dict[str, Any]) -> str | None:
    attachment_id = arg.get("attachment_id")
    if attachment_id is None and volume["attachments"]:
        return str(volume["attachments"][0]["attachment_id"])
    return None if attachment_id is None else str(attachment_id)


def run_action(
    vol: VolumeState, volume: Record, name: str, arg: Any, context: AuthContext, version: Any
) -> Response:
    """Apply one ``POST /volumes/{id}/action``."""
    arg = arg if isinstance(arg, dict) else {}
    if name == "os-extend":
        if volume["status"] == "in-use" and version < (3, 42):
            raise bad(
                "Invalid volume: Volume status must be 'available' to extend, but current "
                "status is: in-use."
            )
        ops.extend(vol, volume, arg.get("new_size"))
    elif name == "os-reserve":
        ops.reserve(volume)
        volume["status"] = "attaching"
    elif name == "os-unreserve":
        if volume["status"] == "attaching":
            volume["status"] = "available" if not volume["attachments"] else "in-use"
    elif name == "os-attach":
        server_id = arg.get("instance_uuid")
        if volume["status"] == "attaching":
            volume["status"] = "available"
        ops.attach(
            vol,
            volume,
            str(server_id or ""),
            arg.get("mountpoint"),
            str(arg.get("host_name") or ""),
            delay=0,
        )
    elif name == "os-begin_detaching":
        if volume["status"] != "in-use":
            raise bad(
                "Invalid volume: Unable to detach volume. Volume status must be 'in-use' "
                "and attach_status must be 'attached' to detach."
            )
        volume["status"] = "detaching"
    elif name == "os-roll_detaching":
        if volume["status"] == "detaching":
            volume["status"] = "in-use"
    elif name == "os-detach":
        if volume["status"] == "detaching":
            volume["status"] = "in-use"
        ops.detach(vol, volume, None, _attachment_of(volume, arg), delay=0)
    elif name == "os-set_bootable":
        volume["bootable"] = "true" if parse_bool(str(arg.get("bootable"))) else "false"
        return empty(200)
    elif name == "os-update_readonly_flag":
        volume["metadata"]["readonly"] = str(bool(parse_bool(str(arg.get("readonly")))))
    elif name == "os-reset_status":
        ops.require_admin(context.is_admin)
        cancel(volume)
        if arg.get("status"):
            volume["status"] = str(arg["status"])
        if arg.get("attach_status"):
            volume["attach_status"] = str(arg["attach_status"])
        if "migration_status" in arg:
            volume["migration_status"] = arg["migration_status"]
    elif name == "os-force_delete":
        ops.require_admin(context.is_admin)
        cancel(volume)
        volume["attachments"] = []
        volume["status"] = "available"
        ops.delete_volume(vol, volume, cascade=True)
    elif name == "os-retype":
        vtype = vol.type_by_ref(arg.get("new_type"))
        if volume["status"] not in ("available", "in-use"):
            raise bad("Invalid volume: Volume status must be available or in-use.")
        size = volume["size"]
        vol.check_quota(
            volume["_project"], {f"volumes_{vtype['name']}": 1, f"gigabytes_{vtype['name']}": size}
        )
        volume["_type_id"] = vtype["id"]
    elif name == "os-set_image_metadata":
        meta = arg.get("metadata") or {}
        volume.setdefault("volume_image_metadata", {}).update(
            {str(k): str(v) for k, v in meta.items()}
        )
        return reply({"metadata": dict(volume["volume_image_metadata"])})
    elif name == "revert":
        snapshot = vol.snapshot(str(arg.get("snapshot_id")), context.project, context.is_admin)
        if snapshot["volume_id"] != volume["id"] or volume["status"] != "available":
            raise bad(
                "Invalid volume: Volume status must be available and the snapshot must "
                "belong to it."
            )
        volume["size"] = snapshot["size"]
    else:
        raise bad(f"Invalid volume action: {name}")
    volume["updated_at"] = iso_micro()
    return empty(202)


@router.post("/volumes/{volume_id}/action")
async def volume_action(
    volume_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Volume actions (``os-extend``, attach/detach bookkeeping, bootable, reset, retype)."""
    volume = vol.volume(volume_id, context.project, context.is_admin)
    body = await read_json(request, bad)
    if len(body) != 1:
        raise bad("Invalid input: exactly one action is expected.")
    name, arg = next(iter(body.items()))
    return run_action(vol, volume, name, arg, context, version)
