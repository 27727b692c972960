"""``POST /servers/{id}/action``: power, reboot, resize, consoles, locks, snapshots."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, ProjectAuthDep
from stackyard_emulator.errors import nova_error
from stackyard_emulator.microversion import Version
from stackyard_emulator.network import ports as port_ops
from stackyard_emulator.network.state import Caller
from stackyard_emulator.store import Record, cancel, schedule
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.web import empty, read_json, reply

from .create import flavor_snapshot
from .deps import ComputeDep, VersionDep, bad
from .state import ComputeState

router = APIRouter(prefix="/compute/v2.1")

Handler = Callable[[ComputeState, Record, Any, AuthContext, Version], Response]


def conflict(server: Record, action: str) -> Exception:
    """Nova's 409 for an action the server's state forbids."""
    return nova_error(
        409,
        f"Cannot '{action}' instance {server['id']} while it is in vm_state {server['vm_state']}",
    )


def _later(compute: ComputeState, server: Record, delay: float, **final: Any) -> None:
    def done(record: Record) -> None:
        record.update(final)
        record["updated"] = iso_z()

    cancel(server)
    schedule(server, delay, done)


def _require(server: Record, action: str, *vm_states: str) -> None:
    if server["vm_state"] not in vm_states or server["task_state"] is not None:
        if server["task_state"] is not None and server["vm_state"] in vm_states:
            raise nova_error(
                409,
                f"Cannot '{action}' instance {server['id']} while it is in "
                f"task_state {server['task_state']}",
            )
        raise conflict(server, action)


def _unlocked(server: Record, context: AuthContext) -> None:
    if server["locked"] and not context.is_admin:
        raise nova_error(409, f"Instance {server['id']} is locked")


def start(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Power on a stopped server."""
    _unlocked(server, context)
    _require(server, "start", "stopped")
    server["task_state"] = "powering-on"
    _later(
        compute,
        server,
        compute.cloud.config.delays.action,
        status="ACTIVE",
        vm_state="active",
        task_state=None,
        power_state=1,
    )
    return empty(202)


def stop(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Power off a running server."""
    _unlocked(server, context)
    _require(server, "stop", "active", "error")
    server["task_state"] = "powering-off"
    _later(
        compute,
        server,
        compute.cloud.config.delays.action,
        status="SHUTOFF",
        vm_state="stopped",
        task_state=None,
        power_state=4,
    )
    return empty(202)


def reboot(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Soft or hard reboot: ``REBOOT``/``HARD_REBOOT`` then ``ACTIVE``."""
    _unlocked(server, context)
    kind = str((arg or {}).get("type", "")).upper()
    if kind not in ("SOFT", "HARD"):
        raise bad(f"Invalid input for field/attribute type. Value: {kind}.")
    if kind == "SOFT":
        _require(server, "reboot", "active")
    else:
        _require(server, "reboot", "active", "stopped", "error")
    server["status"] = "REBOOT" if kind == "SOFT" else "HARD_REBOOT"
    server["task_state"] = "reboot_started" if kind == "SOFT" else "reboot_started_hard"
    _later(
        compute,
        server,
        compute.cloud.config.delays.action,
        status="ACTIVE",
        vm_state="active",
        task_state=None,
        power_state=1,
    )
    return empty(202)


def resize(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Start a resize: ``RESIZE`` then ``VERIFY_RESIZE`` with the new flavor."""
    _unlocked(server, context)
    if not isinstance(arg, dict) or "flavorRef" not in arg:
        raise bad("Invalid input for field/attribute resize. 'flavorRef' is a required property")
    _require(server, "resize", "active", "stopped")
    flavor = compute.flavor(arg["flavorRef"])
    if flavor["id"] == server["_flavor_id"]:
        raise bad("When resizing, instances must change flavor!")
    old = server["flavor"]
    if server["image_id"] and flavor["disk"] < old["disk"]:
        raise bad("Resize error: Unable to resize disk down.")
    extra_cores = max(0, flavor["vcpus"] - old["vcpus"])
    extra_ram = max(0, flavor["ram"] - old["ram"])
    compute.check_quota(server["project_id"], {"cores": extra_cores, "ram": extra_ram})
    compute.charge(server["project_id"], flavor["vcpus"] - old["vcpus"], flavor["ram"] - old["ram"])
    back_to = server["vm_state"]
    server.update(
        status="RESIZE",
        task_state="resize_prep",
        old_flavor=dict(old, _id=server["_flavor_id"], _back=back_to),
    )

    def resized(record: Record) -> None:
        record.update(
            status="VERIFY_RESIZE",
            vm_state="resized",
            task_state=None,
            flavor=flavor_snapshot(flavor),
            _flavor_id=flavor["id"],
            updated=iso_z(),
        )

    cancel(server)
    schedule(server, compute.cloud.config.delays.resize, resized)
    return empty(202)


def confirm_resize(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Keep the new flavor."""
    if server["status"] != "VERIFY_RESIZE":
        raise conflict(server, "confirmResize")
    back = server["old_flavor"]["_back"] if server.get("old_flavor") else "active"
    server.update(
        status="ACTIVE" if back == "active" else "SHUTOFF",
        vm_state=back,
        task_state=None,
        old_flavor=None,
        updated=iso_z(),
    )
    return empty(204)


def revert_resize(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Go back to the old flavor: ``REVERT_RESIZE`` then the previous state."""
    if server["status"] != "VERIFY_RESIZE":
        raise conflict(server, "revertResize")
    old = server["old_flavor"]
    new = server["flavor"]
    compute.charge(server["project_id"], old["vcpus"] - new["vcpus"], old["ram"] - new["ram"])
    server.update(status="REVERT_RESIZE", task_state="resize_reverting")
    flavor = {k: v for k, v in old.items() if not k.startswith("_")}
    back = old["_back"]
    _later(
        compute,
        server,
        compute.cloud.config.delays.resize,
        status="ACTIVE" if back == "active" else "SHUTOFF",
        vm_state=back,
        task_state=None,
        flavor=flavor,
        _flavor_id=old["_id"],
        old_flavor=None,
    )
    return empty(202)


def console(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """A VNC/SPICE/serial console URL (the legacy ``os-get*Console`` actions)."""
    kind = str((arg or {}).get("type", ""))
    return reply({"console": {"type": kind, "url": console_url(compute, server, kind)}})


def console_url(compute: ComputeState, server: Record, kind: str) -> str:
    """The URL of a new console session; 409 while the guest is not running."""
    if server["status"] not in ("ACTIVE", "VERIFY_RESIZE"):
        raise nova_error(409, f"Instance {server['id']} is not ready yet")
    if kind not in ("novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5"):
        raise bad(f"Invalid input for field/attribute type. Value: {kind}.")
    token = secrets.token_urlsafe(24)
    host = compute.cloud.config.base_url
    if kind == "serial":
        return f"ws://{host.split('://', 1)[-1]}/_emulator/console/serial?token={token}"
    return f"{host}/_emulator/console/{kind}/vnc_auto.html?path=%3Ftoken%3D{token}"


def lock(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Lock a server (with a reason from 2.73)."""
    server["locked"] = True
    server["locked_reason"] = (arg or {}).get("locked_reason") if version >= (2, 73) else None
    return empty(202)


def unlock(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Unlock a server."""
    server["locked"] = False
    server["locked_reason"] = None
    return empty(202)


def _security_group(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, add: bool
) -> Response:
    net = compute.cloud.network
    name = str((arg or {}).get("name", ""))
    match = [
        g
        for g in net.security_groups.values(server["project_id"])
        if g["name"] == name or g["id"] == name
    ]
    if not match:
        raise nova_error(
            404, f"Security group {name} not found for project {server['project_id']}."
        )
    group_id = match[0]["id"]
    ports = net.ports_of_device(server["id"])
    if not add and not any(group_id in p["security_groups"] for p in ports):
        raise bad(f"Security group {name} not associated with the instance {server['id']}")
    for port in ports:
        groups = [g for g in port["security_groups"] if g != group_id]
        if add:
            groups.append(group_id)
        port_ops.update_port(
            net, Caller(server["project_id"], True), port, {"security_groups": groups}
        )
    return empty(202)


def add_security_group(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Add a security group to every port of the server."""
    return _security_group(compute, server, arg, context, add=True)


def remove_security_group(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Remove a security group from every port of the server."""
    return _security_group(compute, server, arg, context, add=False)


def reset_state(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Force ``active`` or ``error`` (admin)."""
    if not context.is_admin:
        raise nova_error(
            403, "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed."
        )
    state = str((arg or {}).get("state", ""))
    if state not in ("active", "error"):
        raise bad(f"Invalid input for field/attribute state. Value: {state}.")
    cancel(server)
    server.update(
        vm_state=state, status="ACTIVE" if state == "active" else "ERROR", task_state=None
    )
    return empty(202)


def create_image(
    compute: ComputeState, server: Record, arg: Any, context: AuthContext, version: Version
) -> Response:
    """Snapshot a server into a new Glance image."""
    if not isinstance(arg, dict) or not arg.get("name"):
        raise bad("Invalid input for field/attribute createImage. 'name' is a required property")
    _require(server, "createImage", "active", "stopped")
    images = compute.cloud.image
    source = images.images.get(server["image_id"]) if server["image_id"] else None
    attrs = {
        "name": arg["name"],
        "visibility": "private",
        "disk_format": (source or {}).get("disk_format") or "qcow2",
        "container_format": (source or {}).get("container_format") or "bare",
        "min_disk": server["flavor"]["disk"],
        "min_ram": int((source or {}).get("min_ram") or 0),
        "image_type": "snapshot",
        "instance_uuid": server["id"],
        "base_image_ref": server["image_id"],
        "owner_id": server["project_id"],
        "user_id": server["user_id"],
    }
    attrs.update({str(k): str(v) for k, v in (arg.get("metadata") or {}).items()})
    image = images.create(server["project_id"], attrs)
    images.seed_content(image, 4096)
    image["_generated"] = True
    location = f"{compute.cloud.config.base_url}/image/v2/images/{image['id']}"
    if version >= (2, 45):
        return reply({"image_id": image["id"]}, status=202)
    return empty(202, headers={"Location": location})


ACTIONS: dict[str, Handler] = {
    "os-start": start,
    "os-stop": stop,
    "reboot": reboot,
    "resize": resize,
    "confirmResize": confirm_resize,
    "revertResize": revert_resize,
    "os-getVNCConsole": console,
    "os-getSPICEConsole": console,
    "os-getSerialConsole": console,
    "os-getRDPConsole": console,
    "lock": lock,
    "unlock": unlock,
    "addSecurityGroup": add_security_group,
    "removeSecurityGroup": remove_security_group,
    "os-resetState": reset_state,
    "createImage": create_image,
}


@router.post("/servers/{server_id}/action")
async def server_action(
    server_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Run one server action named by the body's only key."""
    server = compute.server(server_id, context.project, context.is_admin)
    body = await read_json(request, bad)
    if len(body) != 1:
        raise bad("Invalid input: exactly one action is expected in the body.")
    name, arg = next(iter(body.items()))
    handler = ACTIONS.get(name)
    if handler is None:
        raise nova_error(400, f"There is no such action: {name}")
    if server["task_state"] == "deleting":
        # Nothing may overtake a delete (an action's transition would replace it).
        raise nova_error(
            409, f"Cannot '{name}' instance {server['id']} while it is in task_state deleting"
        )
    return handler(compute, server, arg, context, version)
