"""`validate-openstack-services --test-writes`: make and remove real resources.

In the connection's admin project it creates, in this order, a security group, a
network (with a subnet, which the instance needs), a 1 GiB volume, a server group, a
floating IP on the connection's external network, and an instance of the smallest
flavor from an active image on that network; then deletes them all, newest first.

Every resource is put on the clean-up stack as soon as the cloud gives its id (before
waiting for it to become ready), and the stack is unwound whatever happened: a failure
midway stops further creation and still removes what exists. Names start with
`stackyard-validate-<random>`, so an interrupted run's leftovers are recognisable.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from stackyard_cli.operators.checks import Check, CheckFailed, run_check
from stackyard_common.openstack import OpenStackClient

__all__ = ["write_checks"]

Echo = Callable[[str], None]
Deletion = tuple[str, Callable[[], Awaitable[object]]]

# The emulator is quick; a real cloud may take minutes to build and delete.
WAIT_SECONDS = 600.0
POLL_SECONDS = 1.0
SCRATCH_CIDR = "192.168.254.0/28"


class _Writes:
    """The creation steps; each returns what it made and pushes its deletion."""

    def __init__(self, cloud: OpenStackClient, external_network: str) -> None:
        self.cloud = cloud
        self.external_network = external_network
        self.name = f"stackyard-validate-{uuid.uuid4().hex[:8]}"
        self.undo: list[Deletion] = []
        self.network_id = ""

    async def security_group(self) -> str:
        group = await self.cloud.network.create_security_group(
            self.name, description="validate-openstack-services"
        )
        self.undo.append(
            ("security group", lambda: self.cloud.network.delete_security_group(group.id))
        )
        return f"security group {group.id}"

    async def network(self) -> str:
        network = await self.cloud.network.create_network(self.name)
        self.network_id = network.id
        self.undo.append(("network", lambda: self.cloud.network.delete_network(network.id)))
        subnet = await self.cloud.network.create_subnet(network.id, SCRATCH_CIDR, name=self.name)
        self.undo.append(("subnet", lambda: self.cloud.network.delete_subnet(subnet.id)))
        return f"network {network.id} with subnet {subnet.id} ({SCRATCH_CIDR})"

    async def volume(self) -> str:
        volume = await self.cloud.volume.create_volume(1, name=self.name)

        async def delete() -> None:
            await self.cloud.volume.delete_volume(volume.id)
            await self.cloud.volume.wait_for_volume_delete(
                volume.id, timeout=WAIT_SECONDS, interval=POLL_SECONDS
            )

        self.undo.append(("volume", delete))
        await self.cloud.volume.wait_for_volume(
            volume.id, timeout=WAIT_SECONDS, interval=POLL_SECONDS
        )
        return f"volume {volume.id} (1 GiB) available"

    async def server_group(self) -> str:
        group = await self.cloud.compute.create_server_group(self.name, "anti-affinity")
        self.undo.append(("server group", lambda: self.cloud.compute.delete_server_group(group.id)))
        return f"server group {group.id}"

    async def floating_ip(self) -> str:
        if not self.external_network:
            raise CheckFailed("the cloud connection names no external network")
        address = await self.cloud.network.create_floating_ip(
            self.external_network, description=self.name
        )
        self.undo.append(("floating IP", lambda: self.cloud.network.delete_floating_ip(address.id)))
        return f"floating IP {address.floating_ip_address} on {self.external_network}"

    async def instance(self) -> str:
        flavors = await self.cloud.compute.list_flavors()
        if not flavors:
            raise CheckFailed("the cloud offers no flavor")
        flavor = min(flavors, key=lambda f: (f.vcpus, f.ram, f.disk))
        images = await self.cloud.image.list_images(status="active")
        if not images:
            raise CheckFailed("the cloud has no active image")
        image = min(images, key=lambda i: (i.min_disk, i.size or 0))
        server = await self.cloud.compute.create_server(
            self.name, flavor.id, image_id=image.id, networks=[{"uuid": self.network_id}]
        )

        async def delete() -> None:
            await self.cloud.compute.delete_server(server.id)
            await self.cloud.compute.wait_for_server_delete(
                server.id, timeout=WAIT_SECONDS, interval=POLL_SECONDS
            )

        self.undo.append(("instance", delete))
        await self.cloud.compute.wait_for_server(
            server.id, timeout=WAIT_SECONDS, interval=POLL_SECONDS
        )
        return f"instance {server.id} ACTIVE (flavor {flavor.name}, image {image.name})"


async def write_checks(cloud: OpenStackClient, echo: Echo, *, external_network: str) -> list[Check]:
    """Create each resource, then delete everything made; a check per step."""
    writes = _Writes(cloud, external_network)
    steps = [
        ("create security group", writes.security_group),
        ("create network", writes.network),
        ("create volume", writes.volume),
        ("create server group", writes.server_group),
        ("create floating IP", writes.floating_ip),
        ("create instance", writes.instance),
    ]
    checks: list[Check] = []
    try:
        for name, step in steps:
            checks.append(await run_check(name, step))
            echo(checks[-1].line())
            if not checks[-1].ok:
                echo("stopping: cleaning up what was made")
                break
    finally:
        while writes.undo:
            what, delete = writes.undo.pop()

            async def removed(delete: Callable[[], Awaitable[object]] = delete) -> str:
                await delete()
                return "gone"

            checks.append(await run_check(f"delete {what}", removed))
            echo(checks[-1].line())
    return checks
