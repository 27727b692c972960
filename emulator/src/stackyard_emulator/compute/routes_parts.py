"""Server sub-resources: metadata, tags, volume attachments, remote consoles, interfaces."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import ProjectAuthDep
from stackyard_emulator.errors import ApiError, error_message, nova_error
from stackyard_emulator.network import ports as port_ops
from stackyard_emulator.store import Record
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.volume import volumes as volume_ops
from stackyard_emulator.web import empty, member, read_json, reply

from .actions import console_url
from .deps import ComputeDep, VersionDep, bad
from .servers import device_name
from .views import addresses

router = APIRouter(prefix="/compute/v2.1/servers/{server_id}")


def _metadata_body(body: dict[str, Any], key: str) -> dict[str, str]:
    value = body.get(key)
    if not isinstance(value, dict) or any(not isinstance(v, str) for v in value.values()):
        raise bad(f"Invalid input for field/attribute {key}. Value: {value}.")
    return value


def _check_items(compute: Any, server: Record, metadata: dict[str, str]) -> None:
    limit = compute.quota(server["project_id"])["metadata_items"]
    if 0 <= limit < len(metadata):
        raise nova_error(
            403,
            f"Quota exceeded for metadata_items: Requested {len(metadata)}, "
            f"but already used 0 of {limit} metadata_items",
        )


@router.get("/metadata")
async def list_metadata(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """All metadata of a server."""
    server = compute.server(server_id, context.project, context.is_admin)
    return reply({"metadata": dict(server["metadata"])})


@router.put("/metadata")
@router.post("/metadata")
async def set_metadata(
    server_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """PUT replaces all metadata, POST merges into it."""
    server = compute.server(server_id, context.project, context.is_admin)
    given = _metadata_body(await read_json(request, bad), "metadata")
    merged = given if request.method == "PUT" else {**server["metadata"], **given}
    _check_items(compute, server, merged)
    server["metadata"] = dict(merged)
    server["updated"] = iso_z()
    return reply({"metadata": dict(server["metadata"])})


@router.get("/metadata/{key}")
async def show_metadata_item(
    server_id: str, key: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """One metadata item."""
    server = compute.server(server_id, context.project, context.is_admin)
    if key not in server["metadata"]:
        raise nova_error(404, "Metadata item was not found")
    return reply({"meta": {key: server["metadata"][key]}})


@router.put("/metadata/{key}")
async def set_metadata_item(
    server_id: str,
    key: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Set one metadata item (the body must name the same key)."""
    server = compute.server(server_id, context.project, context.is_admin)
    meta = _metadata_body(await read_json(request, bad), "meta")
    if list(meta) != [key]:
        raise bad("Request body and URI mismatch")
    _check_items(compute, server, {**server["metadata"], **meta})
    server["metadata"][key] = meta[key]
    return reply({"meta": meta})


@router.delete("/metadata/{key}")
async def delete_metadata_item(
    server_id: str, key: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Delete one metadata item."""
    server = compute.server(server_id, context.project, context.is_admin)
    if key not in server["metadata"]:
        raise nova_error(404, "Metadata item was not found")
    del server["metadata"][key]
    return empty()


def _tags_allowed(version: Any) -> None:
    if version < (2, 26):
        raise nova_error(404, "The resource could not be found.")


@router.get("/tags")
async def list_tags(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """A server's tags (2.26+)."""
    _tags_allowed(version)
    server = compute.server(server_id, context.project, context.is_admin)
    return reply({"tags": list(server["tags"])})


@router.put("/tags")
async def replace_tags(
    server_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Replace every tag."""
    _tags_allowed(version)
    server = compute.server(server_id, context.project, context.is_admin)
    tags = (await read_json(request, bad)).get("tags")
    if not isinstance(tags, list) or len(tags) > 50:
        raise bad(f"Invalid input for field/attribute tags. Value: {tags}.")
    server["tags"] = [str(t) for t in dict.fromkeys(tags)]
    return reply({"tags": server["tags"]})


@router.delete("/tags")
async def clear_tags(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Remove every tag."""
    _tags_allowed(version)
    compute.server(server_id, context.project, context.is_admin)["tags"] = []
    return empty()


@router.get("/tags/{tag}")
async def check_tag(
    server_id: str, tag: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """204 when tagged, 404 otherwise."""
    _tags_allowed(version)
    if tag not in compute.server(server_id, context.project, context.is_admin)["tags"]:
        raise nova_error(404, f"Tag {tag} could not be found.")
    return empty()


@router.put("/tags/{tag}")
async def add_tag(
    server_id: str, tag: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Add one tag: 201 when new, 204 when already there."""
    _tags_allowed(version)
    server = compute.server(server_id, context.project, context.is_admin)
    if tag in server["tags"]:
        return empty(204)
    if len(server["tags"]) >= 50:
        raise bad("The number of tags exceeded the per-server limit 50")
    server["tags"].append(tag)
    base = compute.cloud.config.base_url
    return empty(201, headers={"Location": f"{base}/compute/v2.1/servers/{server_id}/tags/{tag}"})


@router.delete("/tags/{tag}")
async def remove_tag(
    server_id: str, tag: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Remove one tag."""
    _tags_allowed(version)
    server = compute.server(server_id, context.project, context.is_admin)
    if tag not in server["tags"]:
        raise nova_error(404, f"Tag {tag} could not be found.")
    server["tags"].remove(tag)
    return empty()


def _attachment(server: Record, entry: dict[str, Any], version: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": entry["id"],
        "volumeId": entry["id"],
        "serverId": server["id"],
        "device": entry["device"],
    }
    if version >= (2, 70):
        view["tag"] = entry.get("tag")
    if version >= (2, 79):
        view["delete_on_termination"] = entry["delete_on_termination"]
    return view


@router.get("/os-volume_attachments")
async def list_attachments(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """The volumes attached to a server."""
    server = compute.server(server_id, context.project, context.is_admin)
    return reply(
        {"volumeAttachments": [_attachment(server, v, version) for v in server["volumes"]]}
    )


@router.post("/os-volume_attachments")
async def attach_volume(
    server_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Attach a volume: the volume goes ``attaching`` then ``in-use``."""
    server = compute.server(server_id, context.project, context.is_admin)
    spec = member(await read_json(request, bad), "volumeAttachment", bad)
    if server["vm_state"] not in ("active", "stopped", "paused", "resized") or server["task_state"]:
        raise nova_error(
            409,
            f"Cannot 'attach_volume' instance {server_id} while it is in "
            f"vm_state {server['vm_state']}",
        )
    volume_id = str(spec.get("volumeId", ""))
    vol = compute.cloud.volume
    volume = vol.volumes.get(volume_id)
    if volume is None or not (context.is_admin or volume["_project"] == server["project_id"]):
        raise nova_error(404, f"Volume {volume_id} could not be found.")
    if any(v["id"] == volume_id for v in server["volumes"]):
        raise nova_error(409, f"Volume {volume_id} is already attached to instance {server_id}")
    if (
        volume["availability_zone"] != server["availability_zone"]
        and server["availability_zone"] in vol.zones
    ):
        raise bad("Server and volumes are not in the same availability zone")
    used = {v["device"] for v in server["volumes"]}
    device = spec.get("device") or next(
        device_name(i) for i in range(1, 26) if device_name(i) not in used
    )
    try:
        volume_ops.attach(vol, volume, server_id, device, server.get("host") or "")
    except ApiError as error:
        raise bad(error_message(error)) from None
    entry = {
        "id": volume_id,
        "device": device,
        "tag": spec.get("tag"),
        "boot_index": None,
        "delete_on_termination": bool(spec.get("delete_on_termination", False)),
    }
    server["volumes"].append(entry)
    return reply({"volumeAttachment": _attachment(server, entry, version)})


def _entry(server: Record, volume_id: str) -> dict[str, Any]:
    for entry in server["volumes"]:
        if entry["id"] == volume_id:
            return dict(entry)
    raise nova_error(404, f"Volume {volume_id} is not attached to instance {server['id']}")


@router.get("/os-volume_attachments/{volume_id}")
async def show_attachment(
    server_id: str,
    volume_id: str,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """One attachment."""
    server = compute.server(server_id, context.project, context.is_admin)
    return reply({"volumeAttachment": _attachment(server, _entry(server, volume_id), version)})


@router.delete("/os-volume_attachments/{volume_id}")
async def detach_volume(
    server_id: str,
    volume_id: str,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Detach a volume: ``detaching`` then ``available``; the root volume cannot go."""
    server = compute.server(server_id, context.project, context.is_admin)
    entry = _entry(server, volume_id)
    if str(entry.get("boot_index")) == "0":
        raise bad("Cannot detach a root device volume")
    volume = compute.cloud.volume.volumes.get(volume_id)
    if volume is not None and any(a["server_id"] == server_id for a in volume["attachments"]):
        volume_ops.detach(compute.cloud.volume, volume, server_id)
    server["volumes"] = [v for v in server["volumes"] if v["id"] != volume_id]
    return empty(202)


@router.post("/remote-consoles")
async def remote_console(
    server_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """A console URL (2.6+)."""
    if version < (2, 6):
        raise nova_error(404, "The resource could not be found.")
    server = compute.server(server_id, context.project, context.is_admin)
    spec = member(await read_json(request, bad), "remote_console", bad)
    protocol, kind = spec.get("protocol"), spec.get("type")
    valid = {
        "vnc": ("novnc", "xvpvnc"),
        "spice": ("spice-html5",),
        "serial": ("serial",),
        "rdp": ("rdp-html5",),
    }
    if protocol not in valid or kind not in valid[str(protocol)]:
        raise bad(f"Invalid input for field/attribute remote_console. Value: {spec}.")
    url = console_url(compute, server, str(kind))
    return reply({"remote_console": {"protocol": protocol, "type": kind, "url": url}})


@router.get("/os-interface")
async def list_interfaces(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """The server's ports as Nova shows them."""
    server = compute.server(server_id, context.project, context.is_admin)
    net = compute.cloud.network
    items = [
        {
            "port_id": p["id"],
            "net_id": p["network_id"],
            "mac_addr": p["mac_address"],
            "port_state": port_ops.port_status(net, p),
            "fixed_ips": [
                {"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]}
                for ip in p["fixed_ips"]
            ],
        }
        for p in net.ports_of_device(server["id"])
    ]
    return reply({"interfaceAttachments": items})


@router.get("/ips")
async def list_ips(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """The server's addresses by network."""
    server = compute.server(server_id, context.project, context.is_admin)
    found = addresses(compute, server)
    return reply(
        {
            "addresses": {
                name: [{"version": a["version"], "addr": a["addr"]} for a in items]
                for name, items in found.items()
            }
        }
    )
