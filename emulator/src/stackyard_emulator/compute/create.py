"""``POST /servers``: everything Nova checks and creates for a new server."""

from __future__ import annotations

import secrets
from typing import Any

from stackyard_emulator.auth import AuthContext
from stackyard_emulator.errors import ApiError, nova_error
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.store import Record, schedule
from stackyard_emulator.timeutil import iso_z

from .placement import NO_VALID_HOST, choose_host
from .resources import attach_boot_volumes, delete_resources, plug_ports
from .servers import (
    bad,
    block_devices,
    requested_networks,
    security_group_ids,
)
from .state import ComputeState


def _metadata(compute: ComputeState, project_id: str, metadata: Any) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise bad("Invalid input for field/attribute metadata.")
    for key, value in metadata.items():
        if not isinstance(value, str) or not 0 < len(key) <= 255 or len(value) > 255:
            raise bad(f"Invalid input for field/attribute metadata. Value: {metadata}.")
    limit = compute.quota(project_id)["metadata_items"]
    if 0 <= limit < len(metadata):
        raise nova_error(
            403,
            "Quota exceeded for metadata_items: Requested "
            f"{len(metadata)}, but already used 0 of {limit} metadata_items",
        )
    return dict(metadata)


def _flavor_snapshot(flavor: Record) -> dict[str, Any]:
    return {
        "id": flavor["id"],
        "original_name": flavor["name"],
        "vcpus": flavor["vcpus"],
        "ram": flavor["ram"],
        "disk": flavor["disk"],
        "ephemeral": flavor["ephemeral"],
        "swap": flavor["swap"],
        "extra_specs": dict(flavor["extra_specs"]),
    }


def flavor_snapshot(flavor: Record) -> dict[str, Any]:
    """The copy of a flavor a server keeps (what 2.47+ shows)."""
    return _flavor_snapshot(flavor)


def create_servers(
    compute: ComputeState, context: AuthContext, body: dict[str, Any]
) -> list[Record]:
    """Validate a create request and make ``max_count`` servers in ``BUILD``."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise bad(f"Invalid input for field/attribute name. Value: {name}.")
    if "flavorRef" not in body:
        raise bad("Invalid input for field/attribute server. 'flavorRef' is a required property")
    flavor = compute.flavor(body["flavorRef"])
    if flavor["OS-FLV-DISABLED:disabled"]:
        raise bad(f"Flavor {flavor['id']} could not be found.")
    if (
        not flavor["os-flavor-access:is_public"]
        and not context.is_admin
        and (context.project not in flavor["_access"])
    ):
        raise bad(f"Flavor {flavor['id']} could not be found.")
    project_id, user_id = context.project, context.user_id
    mappings, image = block_devices(compute, context, body)
    if image is not None:
        if flavor["disk"] and int(image.get("min_disk") or 0) > flavor["disk"]:
            raise bad(
                "Flavor's disk is too small for requested image. Flavor disk is "
                f"{flavor['disk'] * 1024**3} bytes, image is "
                f"{int(image.get('min_disk') or 0) * 1024**3} bytes."
            )
        if int(image.get("min_ram") or 0) > flavor["ram"]:
            raise bad("Flavor's memory is too small for requested image.")
    zone = body.get("availability_zone") or None
    forced_host = None
    if zone and ":" in zone:
        zone, _, forced_host = zone.partition(":")
        if not context.is_admin:
            raise nova_error(
                403,
                "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.",
            )
    zone = zone or next(iter(compute.zones), "nova")
    if zone not in compute.zones:
        raise bad("The requested availability zone is not available")
    key_name = body.get("key_name")
    keypair = None
    if key_name is not None:
        keypair = compute.keypairs.get((user_id, str(key_name)))
        if keypair is None:
            raise bad("Invalid key_name provided.")
    networks = requested_networks(compute, context, body.get("networks"))
    group_ids = security_group_ids(compute, context, body.get("security_groups"), project_id)
    metadata = _metadata(compute, project_id, body.get("metadata"))
    tags = body.get("tags") or []
    if (
        not isinstance(tags, list)
        or len(tags) > 50
        or any(not isinstance(t, str) or "/" in t or "," in t for t in tags)
    ):
        raise bad(f"Invalid input for field/attribute tags. Value: {tags}.")
    hints = body.get("os:scheduler_hints") or body.get("OS-SCH-HNT:scheduler_hints") or {}
    group = None
    if hints.get("group"):
        group = compute.server_groups.get(str(hints["group"]))
        if group is None or not (context.is_admin or group["project_id"] == project_id):
            raise bad(f"Invalid input for field/attribute group. Value: {hints['group']}.")
    try:
        count = int(body.get("max_count", body.get("min_count", 1)) or 1)
        minimum = int(body.get("min_count", 1) or 1)
    except (TypeError, ValueError):
        raise bad("Invalid input for field/attribute min_count.") from None
    if minimum > count or count < 1:
        raise bad("min_count must be <= max_count")
    if count > 1 and any(n.get("port") for n in networks):
        raise bad("Unable to launch multiple instances with a single configured port ID.")
    compute.check_quota(
        project_id,
        {"instances": count, "cores": flavor["vcpus"] * count, "ram": flavor["ram"] * count},
    )
    if group is not None:
        limit = compute.quota(project_id)["server_group_members"]
        if 0 <= limit < len(group["members"]) + count:
            raise nova_error(403, "Quota exceeded, too many servers in group")
    reservation = "r-" + secrets.token_hex(4)
    servers = []
    for index in range(count):
        server_name = name if count == 1 else f"{name}-{index + 1}"
        servers.append(
            _build(
                compute,
                context,
                body,
                server_name,
                flavor,
                image,
                mappings,
                networks,
                group_ids,
                metadata,
                tags,
                zone,
                forced_host,
                keypair,
                group,
                reservation,
                index,
            )
        )
    return servers


def _build(
    compute: ComputeState,
    context: AuthContext,
    body: dict[str, Any],
    name: str,
    flavor: Record,
    image: Record | None,
    mappings: list[dict[str, Any]],
    networks: list[dict[str, Any]],
    group_ids: list[str],
    metadata: dict[str, str],
    tags: list[str],
    zone: str,
    forced_host: str | None,
    keypair: Record | None,
    group: Record | None,
    reservation: str,
    index: int,
) -> Record:
    cloud = compute.cloud
    project_id = context.project
    server_id = new_uuid()
    now = iso_z()
    host = choose_host(compute, zone, forced_host, group)
    record: Record = {
        "id": server_id,
        "name": name,
        "project_id": project_id,
        "user_id": context.user_id,
        "status": "BUILD",
        "vm_state": "building",
        "task_state": "scheduling",
        "power_state": 0,
        "flavor": _flavor_snapshot(flavor),
        "_flavor_id": flavor["id"],
        "image_id": image["id"] if image else "",
        "key_name": keypair["name"] if keypair else None,
        "metadata": metadata,
        "tags": list(dict.fromkeys(tags)),
        "description": body.get("description"),
        "availability_zone": zone,
        "host": host,
        "created": now,
        "updated": now,
        "launched_at": None,
        "terminated_at": None,
        "config_drive": "True" if body.get("config_drive") else "",
        "user_data": body.get("user_data"),
        "locked": False,
        "locked_reason": None,
        "hostname": name.lower().replace(" ", "-")[:63],
        "reservation_id": reservation,
        "launch_index": index,
        "fault": None,
        "accessIPv4": body.get("accessIPv4", ""),
        "accessIPv6": body.get("accessIPv6", ""),
        "server_groups": [],
        "security_group_ids": group_ids,
        "volumes": [],
        "_nova_ports": [],
        "admin_pass": secrets.token_urlsafe(9)[:12],
        "disk_config": body.get("OS-DCF:diskConfig", "MANUAL"),
        "old_flavor": None,
    }
    compute.servers.insert(record, project_id)
    compute.charge(project_id, flavor["vcpus"], flavor["ram"])
    if host is None:
        # Nova answers 202 and the scheduler fails later: the server ends in ERROR.
        record.update(
            status="ERROR",
            vm_state="error",
            task_state=None,
            fault={"code": 500, "message": NO_VALID_HOST, "created": now},
        )
        record["host"] = None
        return record
    if group is not None:
        group["members"].append(server_id)
        record["server_groups"] = [group["id"]]
    try:
        plug_ports(compute, context, record, networks, group_ids, zone, host)
        attach_boot_volumes(compute, context, record, mappings, host)
    except ApiError:
        delete_resources(compute, record)
        compute.servers.remove(server_id)
        compute.charge(project_id, -flavor["vcpus"], -flavor["ram"])
        if group is not None and server_id in group["members"]:
            group["members"].remove(server_id)
        raise

    def active(server: Record) -> None:
        server.update(
            status="ACTIVE",
            vm_state="active",
            task_state=None,
            power_state=1,
            launched_at=iso_z(),
            updated=iso_z(),
        )

    schedule(record, cloud.config.delays.build, active)
    return record
