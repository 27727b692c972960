"""The cloud work of instance provisioning: volumes (by storage), ports, key pair, the
server, its volumes' attachments and floating IPs. Each step finds what an earlier
attempt made before making it again; each compensation is "delete if present"."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from stackyard_common.api import Conflict
from stackyard_common.openstack import NotFound
from stackyard_common.resources.steps import actor_of, refusals_fail
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_compute.instances import cloud_ports, network_ports, storage_client
from stackyard_compute.instances.context import InstanceStep, load, tenant_of
from stackyard_compute.instances.slot_steps import renew_slot

__all__ = [
    "MARK",
    "create_floating_ips",
    "create_keypair",
    "create_ports",
    "create_server",
    "create_volumes",
    "delete_keypair",
    "delete_ports",
    "delete_server",
    "delete_volumes",
    "link_volumes",
    "release_floating_ips",
    "server_active",
    "unlink_volumes",
    "via_network",
    "volumes_ready",
]

MARK = "stackyard_uuid"
WAIT_TIMEOUT, WAIT_INTERVAL = 300.0, 0.5


def _volumes(ctx: StepContext, step: Any) -> list[dict[str, Any]]:
    return list(step.record.plan.get("volumes") or [])


async def create_volumes(ctx: StepContext) -> None:
    """Have storage make the instance's system (from its image) and data volumes."""
    step = await load(ctx)
    made = []
    for volume in _volumes(ctx, step):
        body = {
            "uuid": volume["uuid"],
            "tenant_uuid": str(step.record.tenant_uuid),
            "name": f"{step.record.name}-{volume['role']}",
            "size": volume["size"],
            "type": volume["type"],
            "availability_zone": step.record.availability_zone or None,
            "image": volume["image"],
            "role": volume["role"],
            **actor_of(ctx).as_data(),
        }
        try:
            await storage_client.make(step.runtime, body)
        except storage_client.StorageRefused as error:
            raise StepFailed(str(error)) from error
        made.append({"uuid": volume["uuid"], "role": volume["role"]})
    await step.save(volumes=made)


async def volumes_ready(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when storage has every volume OK; their cloud ids go to the saga's data."""
    step = await load(ctx)
    await renew_slot(step)
    ids: dict[str, str] = {}
    for volume in _volumes(ctx, step):
        found = await storage_client.read(step.runtime, uuid.UUID(volume["uuid"]))
        if found is None:
            raise StepFailed(f"storage has no volume {volume['uuid']}")
        if found["state"] == "ERRED":
            raise StepFailed(f"the {volume['role']} volume failed: {found['error_message']}")
        if found["state"] != "OK":
            return None
        ids[volume["uuid"]] = found["backend_id"]
    return {"volume_ids": ids}


async def delete_volumes(ctx: StepContext) -> None:
    """Have storage delete the instance's volumes (retried while one is still busy)."""
    step = await load(ctx)
    for volume in _volumes(ctx, step):
        try:
            await storage_client.delete(step.runtime, uuid.UUID(volume["uuid"]))
        except Conflict as error:
            raise RuntimeError(f"volume {volume['uuid']} is busy: {error.detail}") from error


def via_network(step: InstanceStep) -> bool:
    """Whether the instance's ports are network's (else compute makes them itself)."""
    return step.record.plan.get("ports_via") == "network"


@refusals_fail
async def create_ports(ctx: StepContext) -> None:
    """Find or make the instance's ports, with its security groups."""
    step = await load(ctx)
    specs = list(step.record.plan.get("ports") or [])
    if via_network(step):
        ports = [
            await network_ports.ensure_port(step.runtime, step.record, index, spec)
            for index, spec in enumerate(specs)
        ]
    else:
        client = await step.client()
        groups = await cloud_ports.security_group_ids(client, list(step.record.security_groups))
        ports = [
            await cloud_ports.ensure_port(client, step.record, index, spec, groups)
            for index, spec in enumerate(specs)
        ]
    await step.save(ports=ports)


@refusals_fail
async def delete_ports(ctx: StepContext) -> None:
    """Delete the instance's ports, if they exist."""
    step = await load(ctx)
    if via_network(step):
        await network_ports.remove_ports(step.runtime, step.record)
        return
    client = await step.client()
    await cloud_ports.remove_ports(client, step.record, len(step.record.plan.get("ports") or []))


def key_name(step: Any) -> str:
    """The name of the key pair made for the instance's SSH key."""
    return f"stackyard-{step.record.uuid.hex[:16]}"


@refusals_fail
async def create_keypair(ctx: StepContext) -> None:
    """Import the instance's SSH public key as a Nova key pair (if it has one)."""
    step = await load(ctx)
    key = step.record.plan.get("key")
    if not key:
        return
    client = await step.client()
    name = key_name(step)
    try:
        await client.compute.get_keypair(name)
    except NotFound:
        await client.compute.create_keypair(name, public_key=str(key["public_key"]))
    await step.save(key_name=name)


@refusals_fail
async def delete_keypair(ctx: StepContext) -> None:
    """Delete the instance's key pair, if any."""
    step = await load(ctx)
    if step.record.plan.get("key"):
        client = await step.client()
        await client.compute.delete_keypair(key_name(step))


@refusals_fail
async def create_server(ctx: StepContext) -> Mapping[str, Any]:
    """Find or make the Nova server, booting from the system volume, on the ports."""
    step = await load(ctx)
    client = await step.client()
    record, plan = step.record, step.record.plan
    found = await client.compute.find_server(metadata={MARK: str(record.uuid)})
    if found is None:
        ids = ctx.data["volume_ids"]
        devices = [
            {
                "uuid": ids[volume["uuid"]],
                "source_type": "volume",
                "destination_type": "volume",
                "boot_index": 0 if volume["role"] == "system" else -1,
                "delete_on_termination": False,  # storage owns the volumes
            }
            for volume in plan.get("volumes") or []
        ]
        found = await client.compute.create_server(
            record.name,
            str(plan["flavor_id"]),
            networks=[{"port": port["backend_id"]} for port in record.ports],
            block_device_mapping=devices,
            key_name=record.key_name or None,
            metadata={MARK: str(record.uuid)},
            user_data=record.user_data or None,
            availability_zone=record.availability_zone or None,
            server_group_id=plan.get("server_group_id"),
            description=record.description or None,
        )
    await step.save(backend_id=found.id, runtime_state=found.status or "BUILD")
    return {"server_id": found.id}


async def delete_server(ctx: StepContext) -> None:
    """Delete the server if it exists, and wait until it is gone."""
    step = await load(ctx)
    client = await step.client()
    server_id = step.record.backend_id or ctx.data.get("server_id")
    if not server_id:
        found = await client.compute.find_server(metadata={MARK: str(step.record.uuid)})
        server_id = found.id if found else None
    if server_id:
        await client.compute.delete_server(str(server_id))
        await client.compute.wait_for_server_delete(
            str(server_id), timeout=WAIT_TIMEOUT, interval=WAIT_INTERVAL
        )
    await step.save(runtime_state="DELETED")


@refusals_fail
async def server_active(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the server is ACTIVE; an ERROR ends the saga with Nova's fault."""
    step = await load(ctx)
    await renew_slot(step)
    client = await step.client()
    server = await client.compute.get_server(step.record.backend_id)
    status = server.status or ""
    if status == "ERROR":
        fault = (server.fault or {}).get("message") or "no reason given"
        raise StepFailed(f"the server went to ERROR: {fault}")
    if status != step.record.runtime_state:
        await step.save(runtime_state=status)
    return {"runtime_state": status} if status == "ACTIVE" else None


async def _link(ctx: StepContext, attached: bool) -> None:
    step = await load(ctx)
    devices: dict[str, str] = {}
    if attached:
        client = await step.client()
        for item in await client.compute.list_volume_attachments(step.record.backend_id):
            devices[item.volume_id] = item.device or ""
    ids = ctx.data.get("volume_ids") or {}
    for volume in _volumes(ctx, step):
        body = {
            "instance_uuid": str(step.record.uuid) if attached else None,
            "instance_name": step.record.name,
            "device": devices.get(ids.get(volume["uuid"], ""), ""),
            "runtime_state": "in-use" if attached else "available",
        }
        await storage_client.link(step.runtime, uuid.UUID(volume["uuid"]), body)


@refusals_fail
async def link_volumes(ctx: StepContext) -> None:
    """Tell storage the volumes are attached to the instance (Nova attached them)."""
    await _link(ctx, attached=True)


async def unlink_volumes(ctx: StepContext) -> None:
    """Tell storage the volumes belong to no instance any more."""
    await _link(ctx, attached=False)


@refusals_fail
async def create_floating_ips(ctx: StepContext) -> None:
    """Point the planned floating IP at the first port."""
    step = await load(ctx)
    plan = step.record.plan.get("floating_ips") or []
    if not plan or not step.record.ports:
        return
    if via_network(step):
        port_record = step.record.ports[0]
        made = [
            await network_ports.ensure_floating_ip(step.runtime, step.record, port_record, spec)
            for spec in plan
        ]
        await step.save(floating_ips=made)
        return
    client = await step.client()
    tenant = await tenant_of(step)
    port = str(step.record.ports[0]["backend_id"])
    made = [
        await cloud_ports.ensure_floating_ip(
            client, step.record, index, port, spec, tenant.external_network_id
        )
        for index, spec in enumerate(plan)
    ]
    await step.save(floating_ips=made)


@refusals_fail
async def release_floating_ips(ctx: StepContext) -> None:
    """Release the floating IPs made for the instance; disassociate borrowed ones."""
    step = await load(ctx)
    if via_network(step):
        await network_ports.release_floating_ips(step.runtime, step.record)
    else:
        client = await step.client()
        await cloud_ports.release_floating_ips(client, step.record, list(step.record.floating_ips))
    await step.save(floating_ips=[])
