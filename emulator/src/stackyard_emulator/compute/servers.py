"""Server creation and deletion: validation, quotas, ports, boot volumes, placement."""

from __future__ import annotations

from typing import Any

from stackyard_emulator.auth import AuthContext
from stackyard_emulator.errors import ApiError, error_message, nova_error
from stackyard_emulator.network.security import default_group
from stackyard_emulator.network.state import Caller
from stackyard_emulator.store import Record

from .state import ComputeState


def bad(message: str) -> ApiError:
    """Nova's 400."""
    return nova_error(400, message)


def neutron_to_nova(error: ApiError) -> ApiError:
    """What Nova answers when Neutron refuses part of a server create."""
    detail = error.body.get("NeutronError", {}) if isinstance(error.body, dict) else {}
    kind, message = detail.get("type", ""), detail.get("message", str(error))
    if kind == "OverQuota":
        return nova_error(403, "Maximum number of ports exceeded")
    if kind == "IpAddressAlreadyAllocated":
        return nova_error(
            400, message.replace("already allocated in subnet", "is already in use on subnet")
        )
    if error.status == 404:
        return nova_error(400, message)
    return nova_error(error.status if error.status < 500 else 400, message)


def cinder_to_nova(error: ApiError) -> ApiError:
    """What Nova answers when Cinder refuses a boot volume."""
    message = error_message(error)
    if error.status == 413:
        return nova_error(403, f"Quota exceeded: {message}")
    return nova_error(400, message)


def requested_networks(
    compute: ComputeState, context: AuthContext, requested: Any
) -> list[dict[str, Any]]:
    """The network requests of a create body (``auto``, ``none`` or a list)."""
    net = compute.cloud.network
    caller = Caller(context.project, context.is_admin)
    if requested is None:
        raise bad(
            "Invalid input for field/attribute server. Value: ... 'networks' is a required property"
        )
    if requested == "none":
        return []
    if requested == "auto":
        usable = [
            n
            for n in net.networks.values()
            if net.network_visible(n, caller) and not n.get("router:external") and n["subnets"]
        ]
        own = [n for n in usable if n["project_id"] == context.project] or usable
        if not own:
            raise bad(f"Unable to automatically allocate a network for project {context.project}")
        if len(own) > 1:
            raise nova_error(
                409, "Multiple possible networks found, use a Network ID to be more specific."
            )
        return [{"uuid": own[0]["id"]}]
    if not isinstance(requested, list):
        raise bad(f"Invalid input for field/attribute networks. Value: {requested}.")
    result = []
    for item in requested:
        if not isinstance(item, dict):
            raise bad(f"Invalid input for field/attribute networks. Value: {requested}.")
        if item.get("port"):
            port = net.ports.get(str(item["port"]))
            if port is None or not (context.is_admin or port["project_id"] == context.project):
                raise bad(f"Port {item['port']} could not be found.")
            if port["device_id"]:
                raise nova_error(409, f"Port {item['port']} is still in use.")
        elif item.get("uuid"):
            network = net.networks.get(str(item["uuid"]))
            if network is None or not net.network_visible(network, caller):
                raise bad(f"Network {item['uuid']} could not be found.")
        else:
            raise bad(f"Invalid input for field/attribute networks. Value: {requested}.")
        result.append(item)
    return result


def security_group_ids(
    compute: ComputeState, context: AuthContext, requested: Any, project_id: str
) -> list[str]:
    net = compute.cloud.network
    names = [str(g.get("name")) for g in requested or [{"name": "default"}] if isinstance(g, dict)]
    ids = []
    for name in names:
        if name == "default":
            ids.append(default_group(net, project_id)["id"])
            continue
        match = [
            g
            for g in net.security_groups.values(project_id)
            if g["name"] == name or g["id"] == name
        ]
        if not match:
            raise bad(f"Security group {name} not found for project {project_id}.")
        if len(match) > 1:
            raise nova_error(
                409,
                f"Multiple security groups found matching '{name}'. Use an ID to be more specific.",
            )
        ids.append(match[0]["id"])
    return ids


def block_devices(
    compute: ComputeState, context: AuthContext, body: dict[str, Any]
) -> tuple[list[dict[str, Any]], Record | None]:
    """Validated block device mappings and the boot image (``None`` when booting a volume)."""
    cloud = compute.cloud
    mappings = body.get("block_device_mapping_v2") or []
    if not isinstance(mappings, list):
        raise bad("Invalid input for field/attribute block_device_mapping_v2.")
    boots_from_volume = any(
        isinstance(m, dict)
        and str(m.get("boot_index")) == "0"
        and m.get("destination_type", "volume") == "volume"
        for m in mappings
    )
    image = None
    image_ref = body.get("imageRef")
    if not boots_from_volume:
        if not image_ref:
            raise bad(
                "Block Device Mapping is Invalid: Boot sequence for the instance and "
                "image/block device mapping combination is not valid."
            )
        image_id = str(image_ref).rstrip("/").rsplit("/", 1)[-1]
        image = cloud.image.visible(image_id, context.project, context.is_admin)
        if image is None:
            raise bad(f"Image {image_id} could not be found.")
        if image["status"] != "active":
            raise bad(f"Image {image_id} is not active.")
    checked = []
    for m in mappings:
        if not isinstance(m, dict):
            raise bad("Block Device Mapping is Invalid: malformed mapping.")
        source = m.get("source_type")
        destination = m.get("destination_type", "volume")
        if source not in ("image", "volume", "snapshot", "blank"):
            raise bad(f"Block Device Mapping is Invalid: Invalid source_type {source}.")
        if destination == "volume" and source in ("image", "blank") and not m.get("volume_size"):
            raise bad(
                "Block Device Mapping is Invalid: Images with destination_type 'volume' "
                "need to have a non-zero size specified"
            )
        if (
            source == "image"
            and cloud.image.visible(str(m.get("uuid")), context.project, context.is_admin) is None
        ):
            raise bad(f"Block Device Mapping is Invalid: failed to get image {m.get('uuid')}.")
        if source == "volume":
            volume = cloud.volume.volumes.get(str(m.get("uuid")))
            if volume is None or not (context.is_admin or volume["_project"] == context.project):
                raise bad(f"Block Device Mapping is Invalid: failed to get volume {m.get('uuid')}.")
            if volume["status"] != "available":
                raise bad(
                    f"Invalid volume: volume '{volume['id']}' status must be 'available'. "
                    f"Currently in '{volume['status']}'"
                )
        if source == "snapshot" and cloud.volume.snapshots.get(str(m.get("uuid"))) is None:
            raise bad(f"Block Device Mapping is Invalid: failed to get snapshot {m.get('uuid')}.")
        checked.append(m)
    return checked, image


def device_name(index: int) -> str:
    """``/dev/vda``, ``/dev/vdb``, ... as libvirt names virtio disks."""
    return f"/dev/vd{chr(ord('a') + index)}"
