"""What a server holds: its ports and boot volumes, and giving them back on delete."""

from __future__ import annotations

import hashlib
from typing import Any

from stackyard_emulator.auth import AuthContext
from stackyard_emulator.errors import ApiError, nova_error
from stackyard_emulator.network import ports as port_ops
from stackyard_emulator.network.state import Caller
from stackyard_emulator.store import Record, cancel, schedule
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.volume import volumes as volume_ops

from .servers import cinder_to_nova, device_name, neutron_to_nova
from .state import ComputeState


def plug_ports(
    compute: ComputeState,
    context: AuthContext,
    record: Record,
    networks: list[dict[str, Any]],
    group_ids: list[str],
    zone: str,
    host: str,
) -> None:
    net = compute.cloud.network
    caller = Caller(context.project, context.is_admin)
    for item in networks:
        try:
            if item.get("port"):
                port = net.ports.get(str(item["port"]))
                assert port is not None
                port_ops.update_port(
                    net,
                    caller,
                    port,
                    {
                        "device_id": record["id"],
                        "device_owner": f"compute:{zone}",
                        "binding:host_id": host,
                    },
                )
            else:
                request: dict[str, Any] = {
                    "network_id": item["uuid"],
                    "device_id": record["id"],
                    "device_owner": f"compute:{zone}",
                    "binding:host_id": host,
                    "tenant_id": record["project_id"],
                }
                network = net.networks.get(str(item["uuid"]))
                if network is not None and network["port_security_enabled"]:
                    request["security_groups"] = group_ids
                if item.get("fixed_ip"):
                    request["fixed_ips"] = [{"ip_address": item["fixed_ip"]}]
                port = port_ops.create_port(net, caller, request)
                record["_nova_ports"].append(port["id"])
        except ApiError as error:
            raise neutron_to_nova(error) from None


def attach_boot_volumes(
    compute: ComputeState,
    context: AuthContext,
    record: Record,
    mappings: list[dict[str, Any]],
    host: str,
) -> None:
    vol = compute.cloud.volume
    ordered = sorted(
        mappings,
        key=lambda m: (
            int(m.get("boot_index", -1) or 0)
            if str(m.get("boot_index")) not in ("None", "-1")
            else 99
        ),
    )
    for position, mapping in enumerate(ordered):
        if mapping.get("destination_type", "volume") != "volume":
            continue
        source = mapping.get("source_type")
        try:
            if source == "volume":
                volume = vol.volumes.get(str(mapping["uuid"]))
                assert volume is not None
            else:
                request: dict[str, Any] = {
                    "size": mapping.get("volume_size"),
                    "volume_type": mapping.get("volume_type"),
                    "availability_zone": record["availability_zone"]
                    if record["availability_zone"] in vol.zones
                    else None,
                }
                if source == "image":
                    request["imageRef"] = mapping["uuid"]
                elif source == "snapshot":
                    request["snapshot_id"] = mapping["uuid"]
                volume = volume_ops.new_volume(
                    vol, record["project_id"], record["user_id"], request, is_admin=context.is_admin
                )
                volume["status"] = "available"
                volume.pop("_then", None)
                volume.pop("_due", None)
            device = mapping.get("device_name") or device_name(position)
            volume_ops.attach(vol, volume, record["id"], device, host, delay=0)
        except ApiError as error:
            raise cinder_to_nova(error) from None
        record["volumes"].append(
            {
                "id": volume["id"],
                "device": device,
                "delete_on_termination": bool(mapping.get("delete_on_termination", False)),
                "boot_index": mapping.get("boot_index"),
                "tag": mapping.get("tag"),
            }
        )
    if record["image_id"] == "" and not record["volumes"]:
        raise nova_error(400, "Block Device Mapping is Invalid: no boot device.")


def release_devices(compute: ComputeState, record: Record) -> None:
    """Give back a server's ports (deleted, or unbound when the user made them) and volumes.

    Volumes are detached; those booted with ``delete_on_termination`` are deleted.
    """
    net = compute.cloud.network
    vol = compute.cloud.volume
    admin = Caller(record["project_id"], True)
    for port in net.ports_of_device(record["id"]):
        if port["id"] in record["_nova_ports"]:
            port_ops.delete_port(net, admin, port, internal=True)
        else:
            port_ops.update_port(
                net, admin, port, {"device_id": "", "device_owner": "", "binding:host_id": ""}
            )
    for attached in record["volumes"]:
        volume = vol.volumes.get(attached["id"])
        if volume is None:
            continue
        if any(a["server_id"] == record["id"] for a in volume["attachments"]):
            volume_ops.detach(vol, volume, record["id"], delay=0)
        if attached["delete_on_termination"] and volume["status"] == "available":
            try:
                volume_ops.delete_volume(vol, volume)
            except ApiError:
                volume["status"] = "error_deleting"


def release_placement(compute: ComputeState, record: Record) -> None:
    """Take a server out of its server groups and off its host's load."""
    for group in compute.server_groups.values():
        if record["id"] in group["members"]:
            group["members"].remove(record["id"])
    if record.get("host"):
        compute.host_load[record["host"]] = max(0, compute.host_load.get(record["host"], 1) - 1)


def delete_resources(compute: ComputeState, record: Record) -> None:
    """Release everything a server holds: devices, group membership, host load."""
    release_devices(compute, record)
    release_placement(compute, record)


def host_id(project_id: str, host: str | None) -> str:
    """Nova's ``hostId``: a hash of project and host, blank when unscheduled."""
    if not host:
        return ""
    return hashlib.sha224((project_id + host).encode()).hexdigest()


def delete_server(compute: ComputeState, record: Record, is_admin: bool) -> None:
    """Start deleting a server; it is gone (404) after the ``delete`` delay.

    Like Nova's compute manager, the ports and volumes are released at once, while
    the server stays visible with task_state ``deleting`` (still counted in the
    quota and its server groups) until the delay has passed. Deleting a server
    that is already being deleted changes nothing.
    """
    if record["locked"] and not is_admin:
        raise nova_error(409, f"Instance {record['id']} is locked")
    if record["task_state"] == "deleting":
        return
    cancel(record)  # whatever the server was doing (building, resizing) stops here
    release_devices(compute, record)
    record["volumes"] = []
    record["task_state"] = "deleting"
    record["updated"] = iso_z()

    def gone(server: Record) -> None:
        release_placement(compute, server)
        flavor = server["flavor"]
        compute.charge(server["project_id"], -flavor["vcpus"], -flavor["ram"])
        compute.servers.remove(server["id"])

    schedule(record, compute.cloud.config.delays.delete, gone)
