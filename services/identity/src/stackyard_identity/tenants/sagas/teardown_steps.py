"""The teardown steps: everything in the tenant's project, in dependency order.

Each step lists what the project still holds and deletes it, so a repeated step finds
less and deletes the rest; "already gone" counts as done. Deletions the cloud finishes
later (servers, volumes, snapshots) are waited for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from stackyard_common.openstack import OpenStackClient, wait_for_delete
from stackyard_common.sagas import StepContext
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.keystone import delete_project, delete_users
from stackyard_identity.tenants.sagas.network_steps import remove_security_groups

__all__ = ["TEARDOWN_STEPS"]

WAIT_TIMEOUT, WAIT_INTERVAL = 300.0, 0.5
ROUTER_OWNED = ("network:router_interface", "network:router_gateway", "network:dhcp")

Teardown = Callable[[OpenStackClient, str], Awaitable[None]]


def _in_project(teardown: Teardown) -> Callable[[StepContext], Awaitable[None]]:
    """A step running `teardown(cloud, project_id)`, or nothing for a tenant that never
    got a project."""

    async def step(ctx: StepContext) -> None:
        tenant_step = await TenantStep.load(ctx)
        project = tenant_step.tenant.backend_id
        if project:
            await teardown(await tenant_step.cloud(), project)

    step.__name__ = teardown.__name__
    return step


async def _each(items: list[Any], delete: Callable[[Any], Awaitable[Any]]) -> None:
    await asyncio.gather(*(delete(item) for item in items))


async def floating_ips(cloud: OpenStackClient, project: str) -> None:
    found = await cloud.network.list_floating_ips(project_id=project)
    await _each(found, lambda ip: cloud.network.delete_floating_ip(ip.id))


async def router_links(cloud: OpenStackClient, project: str) -> None:
    for router in await cloud.network.list_routers(project_id=project):
        if router.routes:
            await cloud.network.update_router(router.id, routes=[])
        ports = await cloud.network.list_ports(
            device_id=router.id, device_owner="network:router_interface"
        )
        for port in ports:
            await cloud.network.remove_router_interface(router.id, port_id=port.id)


async def ports(cloud: OpenStackClient, project: str) -> None:
    for network in await cloud.network.list_networks(project_id=project):
        found = await cloud.network.list_ports(network_id=network.id)
        await _each(
            [port for port in found if port.device_owner not in ROUTER_OWNED],
            lambda port: cloud.network.delete_port(port.id),
        )


async def routers(cloud: OpenStackClient, project: str) -> None:
    found = await cloud.network.list_routers(project_id=project)
    await _each(found, lambda router: cloud.network.delete_router(router.id))


async def networks(cloud: OpenStackClient, project: str) -> None:
    for network in await cloud.network.list_networks(project_id=project):
        for subnet in await cloud.network.list_subnets(network_id=network.id):
            await cloud.network.delete_subnet(subnet.id)
        await cloud.network.delete_network(network.id)


async def snapshots(cloud: OpenStackClient, project: str) -> None:
    async def delete(snapshot_id: str) -> None:
        await cloud.volume.delete_snapshot(snapshot_id)
        await wait_for_delete(
            lambda: cloud.volume.get_snapshot(snapshot_id),
            timeout=WAIT_TIMEOUT,
            interval=WAIT_INTERVAL,
        )

    found = await cloud.volume.list_snapshots(all_tenants=True, project_id=project)
    await _each([snapshot.id for snapshot in found], delete)


async def instances(cloud: OpenStackClient, project: str) -> None:
    async def delete(server_id: str) -> None:
        await cloud.compute.delete_server(server_id)
        await cloud.compute.wait_for_server_delete(
            server_id, timeout=WAIT_TIMEOUT, interval=WAIT_INTERVAL
        )

    found = await cloud.compute.list_servers(all_tenants=True, project_id=project)
    await _each([server.id for server in found], delete)


async def volumes(cloud: OpenStackClient, project: str) -> None:
    async def delete(volume_id: str) -> None:
        await cloud.volume.delete_volume(volume_id, cascade=True)
        await cloud.volume.wait_for_volume_delete(
            volume_id, timeout=WAIT_TIMEOUT, interval=WAIT_INTERVAL
        )

    found = await cloud.volume.list_volumes(all_tenants=True, project_id=project)
    await _each([volume.id for volume in found], delete)


async def server_groups(cloud: OpenStackClient, project: str) -> None:
    found = await cloud.compute.list_server_groups(all_projects=True)
    await _each(
        [group for group in found if group.project_id == project],
        lambda group: cloud.compute.delete_server_group(group.id),
    )


TEARDOWN_STEPS: list[tuple[str, Callable[[StepContext], Awaitable[Any]]]] = [
    ("delete-floating-ips", _in_project(floating_ips)),
    ("clear-router-links", _in_project(router_links)),
    ("delete-ports", _in_project(ports)),
    ("delete-routers", _in_project(routers)),
    ("delete-networks", _in_project(networks)),
    ("delete-security-groups", _in_project(remove_security_groups)),
    ("delete-snapshots", _in_project(snapshots)),
    ("delete-instances", _in_project(instances)),
    ("delete-volumes", _in_project(volumes)),
    ("delete-server-groups", _in_project(server_groups)),
    ("delete-users", delete_users),
    ("delete-project", delete_project),
]
"""Name and action of each teardown step, in the order they run."""
