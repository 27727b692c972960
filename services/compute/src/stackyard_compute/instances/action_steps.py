"""The cloud work of instance actions: power, resize, volume attachments through
storage, floating IPs, security groups, pull, and the teardown of DELETE and
force_destroy."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from stackyard_common.api import Conflict, StackyardError
from stackyard_common.openstack import NotFound
from stackyard_common.resources.steps import refusals_fail
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_compute.instances import cloud_ports, network_ports, storage_client
from stackyard_compute.instances.context import InstanceStep, load
from stackyard_compute.instances.provision_steps import via_network
from stackyard_compute.volumes.projection import attached_to

__all__ = [
    "TARGETS",
    "change_power",
    "confirm_resize",
    "delete_all_volumes",
    "instance_volumes",
    "power_settled",
    "pull_server",
    "request_attach",
    "request_detach",
    "resize",
    "resize_confirmed",
    "resized",
    "set_security_groups",
    "unlink_all_volumes",
    "volume_settled",
    "volumes_gone",
]

TARGETS = {"start": "ACTIVE", "stop": "SHUTOFF", "restart": "ACTIVE"}
SETTLED = ("ACTIVE", "SHUTOFF")


@refusals_fail
async def change_power(ctx: StepContext) -> None:
    """Start, stop or reboot the server (`data["operation"]`) unless it is there."""
    step = await load(ctx)
    client = await step.client()
    operation = str(ctx.data["operation"])
    server = await client.compute.get_server(step.record.backend_id)
    if operation == "restart":
        await client.compute.reboot_server(server.id)
    elif server.status != TARGETS[operation]:
        call = client.compute.start_server if operation == "start" else client.compute.stop_server
        await call(server.id)


async def _status(step: InstanceStep) -> Any:
    client = await step.client()
    server = await client.compute.get_server(step.record.backend_id)
    if server.status == "ERROR":
        fault = (server.fault or {}).get("message") or "no reason given"
        raise StepFailed(f"the server went to ERROR: {fault}")
    if server.status and server.status != step.record.runtime_state:
        await step.save(runtime_state=server.status)
    return server


async def power_settled(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the server reached the operation's status."""
    server = await _status(await load(ctx))
    target = TARGETS[str(ctx.data["operation"])]
    return {"runtime_state": target} if server.status == target else None


@refusals_fail
async def resize(ctx: StepContext) -> None:
    """Ask Nova for the new flavor unless the server has it or waits to confirm it."""
    step = await load(ctx)
    client = await step.client()
    server = await client.compute.get_server(step.record.backend_id)
    if server.status == "VERIFY_RESIZE" or server.flavor.get("id") == ctx.data["flavor_id"]:
        return
    await client.compute.resize_server(server.id, str(ctx.data["flavor_id"]))


async def resized(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the resize waits to be confirmed (or is over)."""
    server = await _status(await load(ctx))
    done = server.status in SETTLED and server.flavor.get("id") == ctx.data["flavor_id"]
    return {} if server.status == "VERIFY_RESIZE" or done else None


@refusals_fail
async def confirm_resize(ctx: StepContext) -> None:
    """Keep the new flavor."""
    step = await load(ctx)
    client = await step.client()
    server = await client.compute.get_server(step.record.backend_id)
    if server.status == "VERIFY_RESIZE":
        await client.compute.confirm_resize(server.id)


async def resize_confirmed(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the server runs (or rests) on its new flavor."""
    server = await _status(await load(ctx))
    return {"runtime_state": server.status} if server.status in SETTLED else None


async def request_attach(ctx: StepContext) -> None:
    """Ask storage to attach `data["volume_uuid"]` to the server."""
    step = await load(ctx)
    body = {
        "instance_uuid": str(step.record.uuid),
        "instance_name": step.record.name,
        "server_id": step.record.backend_id,
        "actor_uuid": ctx.data.get("actor_uuid"),
        "actor_username": ctx.data.get("actor_username") or "system",
    }
    try:
        await storage_client.attach(step.runtime, uuid.UUID(ctx.data["volume_uuid"]), body)
    except StackyardError as error:
        raise StepFailed(f"storage refused: {error.detail}") from error


async def request_detach(ctx: StepContext) -> None:
    """Ask storage to detach `data["volume_uuid"]`."""
    step = await load(ctx)
    try:
        await storage_client.detach(step.runtime, uuid.UUID(ctx.data["volume_uuid"]))
    except StackyardError as error:
        raise StepFailed(f"storage refused: {error.detail}") from error


async def volume_settled(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when storage's volume is OK and (`data["attach"]`) attached here, or not."""
    step = await load(ctx)
    found = await storage_client.read(step.runtime, uuid.UUID(ctx.data["volume_uuid"]))
    if found is None:
        raise StepFailed("the volume is gone")
    if found["state"] == "ERRED":
        raise StepFailed(f"the volume failed: {found['error_message']}")
    mine = found["instance_uuid"] == str(step.record.uuid)
    if found["state"] != "OK" or mine != bool(ctx.data["attach"]):
        return None
    return {}


@refusals_fail
async def set_security_groups(ctx: StepContext) -> None:
    """Put every port of the instance in `data["security_groups"]`."""
    step = await load(ctx)
    names = [str(name) for name in ctx.data["security_groups"]]
    if via_network(step):
        keys = [name.rstrip("/").rsplit("/", 1)[-1] for name in names]
        ports = await network_ports.set_security_groups(step.runtime, step.record, keys)
        await step.save(security_groups=names, ports=ports)
        return
    client = await step.client()
    groups = await cloud_ports.security_group_ids(client, names)
    ports = []
    for port in step.record.ports:
        updated = await client.network.update_port(str(port["backend_id"]), security_groups=groups)
        ports.append(cloud_ports.port_view(updated, str(port.get("subnet_id") or "")))
    await step.save(security_groups=names, ports=ports)


@refusals_fail
async def pull_server(ctx: StepContext) -> Mapping[str, Any]:
    """Read the server's status back; a server gone from the cloud fails the pull."""
    step = await load(ctx)
    client = await step.client()
    try:
        server = await client.compute.get_server(step.record.backend_id)
    except NotFound as error:
        raise StepFailed(f"server {step.record.backend_id} is gone from the cloud") from error
    return {"runtime_state": server.status or ""}


async def instance_volumes(step: InstanceStep) -> list[uuid.UUID]:
    """The volumes made with the instance and those attached to it since."""
    keys = [uuid.UUID(str(item["uuid"])) for item in step.record.volumes]
    async with step.runtime.database.session() as session:
        attached = await attached_to(session, step.record.uuid)
    return keys + [volume.uuid for volume in attached if volume.uuid not in keys]


async def delete_all_volumes(ctx: StepContext) -> None:
    """Have storage delete every volume of the instance (retried while one is busy)."""
    step = await load(ctx)
    for key in await instance_volumes(step):
        try:
            await storage_client.delete(step.runtime, key)
        except Conflict as error:
            raise RuntimeError(f"volume {key} is busy: {error.detail}") from error


async def volumes_gone(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when storage has none of the instance's volumes any more."""
    step = await load(ctx)
    for key in await instance_volumes(step):
        if await storage_client.read(step.runtime, key) is not None:
            return None
    return {}


async def unlink_all_volumes(ctx: StepContext) -> None:
    """Tell storage that the instance's volumes belong to no instance any more (the
    server that held them is gone)."""
    step = await load(ctx)
    for key in await instance_volumes(step):
        found = await storage_client.read(step.runtime, key)
        if found is not None and found["instance_uuid"] == str(step.record.uuid):
            body = {"instance_uuid": None, "runtime_state": "available"}
            await storage_client.link(step.runtime, key, body)


Check = Callable[[StepContext], Awaitable[Mapping[str, Any] | None]]
"""A poll's check: a mapping when done, None when not yet."""
