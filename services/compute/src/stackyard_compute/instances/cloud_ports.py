"""The instance's ports and floating IPs, made by compute itself in the tenant's cloud
project (`PORTS_VIA=cloud`): the fallback until network's internal ports API
(`POST /internal/ports/`, `/internal/floating-ips/`) takes this over.

A port is named `<instance>-<uuid prefix>-<index>` and a floating IP allocated for an
instance is described `stackyard:<instance uuid>:<index>`: a retried step finds what an
earlier attempt made by that name before making another. An existing floating IP that
was only associated is disassociated, never released, when the instance goes.
"""

from __future__ import annotations

from typing import Any

from stackyard_common.openstack import NotFound, OpenStackClient
from stackyard_common.sagas import StepFailed
from stackyard_compute.instances.models import Instance

__all__ = [
    "ensure_floating_ip",
    "ensure_port",
    "port_name",
    "release_floating_ips",
    "remove_ports",
    "security_group_ids",
]


def port_name(instance: Instance, index: int) -> str:
    """The name of the instance's port number `index`."""
    return f"{instance.name}-{instance.uuid.hex[:8]}-{index}"


def _floating_mark(instance: Instance, index: int) -> str:
    return f"stackyard:{instance.uuid}:{index}"


async def security_group_ids(client: OpenStackClient, names: list[str]) -> list[str]:
    """Ids of the tenant's security groups named (or with the ids) `names`."""
    groups = await client.network.list_security_groups()
    by_name = {group.name: group.id for group in groups}
    ids = {group.id for group in groups}
    found, missing = [], []
    for name in names:
        key = name.rstrip("/").rsplit("/", 1)[-1]
        if key in ids:
            found.append(key)
        elif name in by_name:
            found.append(by_name[name])
        else:
            missing.append(name)
    if missing:
        raise StepFailed(f"the tenant has no security group {', '.join(missing)}")
    return found


def port_view(port: Any, subnet_id: str) -> dict[str, Any]:
    """What the instance keeps of a port."""
    return {
        "backend_id": port.id,
        "name": port.name,
        "network_id": port.network_id,
        "subnet_id": subnet_id,
        "fixed_ips": [dict(item) for item in port.fixed_ips],
        "mac_address": port.mac_address or "",
        "security_groups": list(port.security_groups),
    }


async def ensure_port(
    client: OpenStackClient, instance: Instance, index: int, spec: dict[str, Any], groups: list[str]
) -> dict[str, Any]:
    """Find or make the instance's port `index` as `spec` plans it."""
    name = port_name(instance, index)
    found = await client.network.find_port(name=name)
    if found is None:
        network = spec.get("network_id")
        if not network:
            network = (await client.network.get_subnet(spec["subnet_id"])).network_id
        fixed: dict[str, str] = {"subnet_id": spec["subnet_id"]}
        if spec.get("fixed_ip"):
            fixed["ip_address"] = spec["fixed_ip"]
        found = await client.network.create_port(
            network,
            name=name,
            fixed_ips=[fixed],
            security_groups=groups,
            description=f"stackyard:{instance.uuid}",
        )
    return port_view(found, spec["subnet_id"])


async def remove_ports(client: OpenStackClient, instance: Instance, count: int) -> None:
    """Delete the instance's ports, if they exist."""
    for index in range(count):
        found = await client.network.find_port(name=port_name(instance, index))
        if found is not None:
            await client.network.delete_port(found.id)


async def ensure_floating_ip(
    client: OpenStackClient,
    instance: Instance,
    index: int,
    port_id: str,
    spec: dict[str, Any],
    external_network: str,
) -> dict[str, Any]:
    """Point a floating IP at `port_id`: the tenant's `spec["ip_address"]`, or a new one
    on the tenant's external network."""
    address = spec.get("ip_address")
    if address:
        existing = await client.network.list_floating_ips(floating_ip_address=address)
        if not existing:
            raise StepFailed(f"the tenant has no floating IP {address}")
        floating = existing[0]
        if floating.port_id not in (None, port_id):
            raise StepFailed(f"floating IP {address} is in use by another port")
        if floating.port_id != port_id:
            floating = await client.network.associate_floating_ip(floating.id, port_id)
        allocated = False
    else:
        mark = _floating_mark(instance, index)
        found = [ip for ip in await client.network.list_floating_ips() if ip.description == mark]
        if not external_network:
            raise StepFailed("the tenant has no external network for floating IPs")
        floating = (
            found[0]
            if found
            else await client.network.create_floating_ip(
                external_network, port_id=port_id, description=mark
            )
        )
        allocated = True
    return {
        "backend_id": floating.id,
        "address": floating.floating_ip_address or "",
        "port_id": port_id,
        "allocated": allocated,
    }


async def release_floating_ips(
    client: OpenStackClient, instance: Instance, known: list[dict[str, Any]]
) -> None:
    """Release the floating IPs allocated for the instance (those found by their mark
    too) and disassociate the ones it only borrowed."""
    for item in known:
        if not item.get("allocated"):
            try:
                await client.network.disassociate_floating_ip(str(item["backend_id"]))
            except NotFound:
                continue  # gone already: nothing to give back
    prefix = f"stackyard:{instance.uuid}:"
    for floating in await client.network.list_floating_ips():
        if (floating.description or "").startswith(prefix):
            await client.network.delete_floating_ip(floating.id)
