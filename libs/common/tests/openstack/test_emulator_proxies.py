"""Every proxy call over HTTP against a real emulator process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest
from pydantic import SecretStr

from stackyard_common.openstack import (
    Conflict,
    MemoryTokenCache,
    NotFound,
    OpenStackClient,
    wait_for_status,
)
from stackyard_common.openstack.image import Image
from stackyard_common.openstack.volume import Backup, Snapshot

from .conftest import Emulator

pytestmark = pytest.mark.system

R = TypeVar("R", Snapshot, Backup)


@pytest.fixture(scope="module")
def token_cache() -> MemoryTokenCache:
    return MemoryTokenCache()


@pytest.fixture
async def cloud(
    emulator: Emulator, token_cache: MemoryTokenCache
) -> AsyncIterator[OpenStackClient]:
    async with OpenStackClient(emulator.config(), token_cache=token_cache) as client:
        yield client


def _name(kind: str) -> str:
    return f"test-{kind}-{uuid.uuid4().hex[:8]}"


async def _image(cloud: OpenStackClient, data: bytes = b"\x00" * 4096) -> Image:
    image = await cloud.image.create_image(_name("image"), disk_format="raw")

    async def chunks() -> AsyncIterator[bytes]:
        for offset in range(0, len(data), 1024):
            yield data[offset : offset + 1024]

    await cloud.image.upload_image(image.id, chunks())
    return await cloud.image.wait_for_image(image.id, timeout=30, interval=0.1)


async def test_identity_projects_users_and_grants(cloud: OpenStackClient) -> None:
    domain = await cloud.identity.find_domain("Default")
    assert domain is not None
    project = await cloud.identity.create_project(
        _name("project"), domain_id=domain.id, description="made by a test", tags=["t1"]
    )
    try:
        assert (await cloud.identity.find_project(project.name)) == project
        with pytest.raises(Conflict):
            await cloud.identity.create_project(project.name, domain_id=domain.id)
        updated = await cloud.identity.update_project(project.id, description="changed")
        assert updated.description == "changed"
        assert project.id in [p.id for p in await cloud.identity.list_projects(tags=["t1"])]

        user = await cloud.identity.create_user(
            _name("user"), SecretStr("pw-1"), domain_id=domain.id, default_project_id=project.id
        )
        try:
            assert (await cloud.identity.get_user(user.id)).name == user.name
            assert (await cloud.identity.find_user(user.name)) == user
            await cloud.identity.update_user(user.id, email="someone@example.org")
            assert (await cloud.identity.get_user(user.id)).email == "someone@example.org"
            role = await cloud.identity.find_role("member")
            assert role is not None
            assert role.id in [r.id for r in await cloud.identity.list_roles()]
            assert not await cloud.identity.has_project_role(project.id, user.id, role.id)
            await cloud.identity.grant_project_role(project.id, user.id, role.id)
            await cloud.identity.grant_project_role(project.id, user.id, role.id)
            assert await cloud.identity.has_project_role(project.id, user.id, role.id)
            grants = await cloud.identity.list_role_assignments(project_id=project.id)
            assert [(g.user_id, g.role_id) for g in grants] == [(user.id, role.id)]
            assert await cloud.identity.revoke_project_role(project.id, user.id, role.id)
            assert not await cloud.identity.revoke_project_role(project.id, user.id, role.id)
        finally:
            assert await cloud.identity.delete_user(user.id)
        assert not await cloud.identity.delete_user(user.id)
    finally:
        assert await cloud.identity.delete_project(project.id)
    assert not await cloud.identity.delete_project(project.id)
    with pytest.raises(NotFound):
        await cloud.identity.get_project(project.id)


async def test_quotas_of_all_three_services(cloud: OpenStackClient) -> None:
    project = await cloud.identity.create_project(_name("quota"))
    try:
        assert (await cloud.compute.set_quotas(project.id, cores=7))["cores"] == 7
        assert (await cloud.compute.get_quotas(project.id))["cores"] == 7
        assert (await cloud.volume.set_quotas(project.id, gigabytes=70))["gigabytes"] == 70
        assert (await cloud.volume.get_quotas(project.id))["gigabytes"] == 70
        assert (await cloud.network.set_quotas(project.id, network=3))["network"] == 3
        assert (await cloud.network.get_quotas(project.id))["network"] == 3
    finally:
        await cloud.identity.delete_project(project.id)


async def test_network_topology_floating_ips_security_and_rbac(cloud: OpenStackClient) -> None:
    tag = f"saga:{uuid.uuid4()}"
    external = await cloud.network.create_network(_name("ext"), is_external=True)
    ext_subnet = await cloud.network.create_subnet(external.id, "203.0.113.0/24")
    net = await cloud.network.create_network(_name("net"), tags=[tag])
    try:
        assert (await cloud.network.find_network(tags=[tag])) == net
        assert (await cloud.network.find_network(name=net.name)) == net
        assert external.is_external
        subnet = await cloud.network.create_subnet(
            net.id, "10.20.0.0/24", name=_name("subnet"), dns_nameservers=["192.0.2.53"], tags=[tag]
        )
        assert subnet.gateway_ip == "10.20.0.1"
        assert (await cloud.network.find_subnet(tags=[tag])) == subnet
        router = await cloud.network.create_router(
            _name("router"), external_network_id=external.id, tags=[tag]
        )
        assert router.external_gateway_info is not None
        await cloud.network.add_router_interface(router.id, subnet_id=subnet.id)
        port = await cloud.network.create_port(net.id, name=_name("port"))
        assert [ip["subnet_id"] for ip in port.fixed_ips] == [subnet.id]
        assert port.id in [p.id for p in await cloud.network.list_ports(network_id=net.id)]

        group = await cloud.network.create_security_group(_name("sg"), description="web")
        rule = await cloud.network.create_security_group_rule(
            group.id,
            protocol="tcp",
            port_range_min=443,
            port_range_max=443,
            remote_ip_prefix="0.0.0.0/0",
        )
        with pytest.raises(Conflict):
            await cloud.network.create_security_group_rule(
                group.id,
                protocol="tcp",
                port_range_min=443,
                port_range_max=443,
                remote_ip_prefix="0.0.0.0/0",
            )
        rules = await cloud.network.list_security_group_rules(security_group_id=group.id)
        assert rule.id in [r.id for r in rules]
        assert rule.id in [
            r.id for r in (await cloud.network.get_security_group(group.id)).security_group_rules
        ]
        port = await cloud.network.update_port(port.id, security_groups=[group.id])
        assert port.security_groups == [group.id]

        fip = await cloud.network.create_floating_ip(external.id)
        assert fip.floating_ip_address is not None
        fip = await cloud.network.associate_floating_ip(fip.id, port.id)
        assert fip.port_id == port.id
        fip = await cloud.network.disassociate_floating_ip(fip.id)
        assert fip.port_id is None
        assert fip.id in [
            f.id for f in await cloud.network.list_floating_ips(floating_network_id=external.id)
        ]

        project = await cloud.identity.create_project(_name("rbac"))
        policy = await cloud.network.create_rbac_policy(net.id, project.id)
        assert policy.id in [p.id for p in await cloud.network.list_rbac_policies(object_id=net.id)]

        # Clean-up in dependency order, each step safe to repeat.
        assert await cloud.network.delete_rbac_policy(policy.id)
        await cloud.identity.delete_project(project.id)
        assert await cloud.network.delete_floating_ip(fip.id)
        assert await cloud.network.delete_port(port.id)
        assert await cloud.network.delete_security_group_rule(rule.id)
        assert await cloud.network.delete_security_group(group.id)
        assert await cloud.network.remove_router_interface(router.id, subnet_id=subnet.id)
        assert not await cloud.network.remove_router_interface(router.id, subnet_id=subnet.id)
        assert await cloud.network.delete_router(router.id)
        assert not await cloud.network.delete_router(router.id)
        assert await cloud.network.delete_subnet(subnet.id)
    finally:
        await cloud.network.delete_network(net.id)
        await cloud.network.delete_subnet(ext_subnet.id)
        await cloud.network.delete_network(external.id)
    assert not await cloud.network.delete_network(net.id)


async def test_security_groups_and_rules_in_bulk(cloud: OpenStackClient) -> None:
    web, ssh = await cloud.network.create_security_groups(
        [{"name": _name("web"), "description": "web"}, {"name": _name("ssh")}]
    )
    assert web.description == "web"
    rule = {"direction": "ingress", "protocol": "tcp", "remote_ip_prefix": "0.0.0.0/0"}
    rules = [
        {**rule, "security_group_id": web.id, "port_range_min": 443, "port_range_max": 443},
        {**rule, "security_group_id": ssh.id, "port_range_min": 22, "port_range_max": 22},
    ]
    made = await cloud.network.create_security_group_rules(rules)
    assert [(r.security_group_id, r.port_range_min) for r in made] == [(web.id, 443), (ssh.id, 22)]
    # All or none: one duplicate refuses the lot, and nothing new is left behind.
    extra = {**rule, "security_group_id": ssh.id, "port_range_min": 80, "port_range_max": 80}
    with pytest.raises(Conflict):
        await cloud.network.create_security_group_rules([extra, rules[1]])
    ports = {
        r.port_range_min
        for r in (await cloud.network.get_security_group(ssh.id)).security_group_rules
    }
    assert 80 not in ports
    assert 22 in ports
    assert await cloud.network.create_security_group_rules([]) == []


async def test_lists_follow_pagination(cloud: OpenStackClient) -> None:
    tag = f"page:{uuid.uuid4().hex[:8]}"
    made = [await cloud.network.create_network(_name("page"), tags=[tag]) for _ in range(5)]
    try:
        listed = await cloud.network.list_networks(tags=[tag], page_size=2)
        assert sorted(n.id for n in listed) == sorted(n.id for n in made)
        images = [await cloud.image.create_image(_name("page")) for _ in range(3)]
        try:
            paged = await cloud.image.list_images(limit=1)
            assert {i.id for i in images} <= {i.id for i in paged}
        finally:
            for image in images:
                await cloud.image.delete_image(image.id)
    finally:
        for network in made:
            await cloud.network.delete_network(network.id)


async def test_images_stream_up_and_down(cloud: OpenStackClient) -> None:
    data = bytes(range(256)) * 64
    image = await _image(cloud, data)
    try:
        assert image.status == "active"
        assert image.size == len(data)
        async with cloud.image.download_image(image.id, chunk_size=1000) as chunks:
            assert b"".join([chunk async for chunk in chunks]) == data
        marker = uuid.uuid4().hex
        updated = await cloud.image.update_image(image.id, stackyard_saga=marker, name="renamed")
        assert updated.properties["stackyard_saga"] == marker
        assert updated.name == "renamed"
        found = await cloud.image.find_image(properties={"stackyard_saga": marker})
        assert found == updated
    finally:
        assert await cloud.image.delete_image(image.id)
    with pytest.raises(NotFound):
        await cloud.image.get_image(image.id)
    await cloud.image.wait_for_image_delete(image.id, timeout=5, interval=0.1)


async def test_volumes_snapshots_backups_and_types(cloud: OpenStackClient) -> None:
    types = await cloud.volume.list_types()
    assert types
    assert (await cloud.volume.find_type(types[0].name)) == types[0]
    assert (await cloud.volume.get_type(types[0].id)).name == types[0].name
    marker = uuid.uuid4().hex
    volume = await cloud.volume.create_volume(1, name=_name("vol"), metadata={"saga": marker})
    volume = await cloud.volume.wait_for_volume(volume.id, timeout=30, interval=0.1)
    try:
        assert (await cloud.volume.find_volume(metadata={"saga": marker})) == volume
        await cloud.volume.extend_volume(volume.id, 2)
        volume = await cloud.volume.wait_for_volume(volume.id, timeout=30, interval=0.1)
        assert volume.size == 2
        await cloud.volume.update_volume(volume.id, description="resized")
        snapshot = await cloud.volume.create_snapshot(volume.id, name=_name("snap"))
        snapshot = await _wait_available(cloud.volume.get_snapshot, snapshot.id)
        assert (await cloud.volume.find_snapshot(snapshot.name or "")) == snapshot
        backup = await cloud.volume.create_backup(volume.id, name=_name("backup"))
        backup = await _wait_available(cloud.volume.get_backup, backup.id)
        assert (await cloud.volume.find_backup(backup.name or "")) is not None
        restored_id = await cloud.volume.restore_backup(backup.id, name=_name("restored"))
        await cloud.volume.wait_for_volume(restored_id, timeout=30, interval=0.1)
        assert await cloud.volume.delete_backup(backup.id)
        assert await cloud.volume.delete_snapshot(snapshot.id)
        assert await cloud.volume.delete_volume(restored_id)
        await cloud.volume.wait_for_volume_delete(restored_id, timeout=30, interval=0.1)
    finally:
        await cloud.volume.delete_volume(volume.id, cascade=True)
    await cloud.volume.wait_for_volume_delete(volume.id, timeout=30, interval=0.1)
    assert not await cloud.volume.delete_volume(volume.id)


async def _wait_available(get: Callable[[str], Awaitable[R]], resource_id: str) -> R:
    return await wait_for_status(lambda: get(resource_id), "available", timeout=30, interval=0.1)


async def test_servers_and_their_actions(cloud: OpenStackClient) -> None:
    flavors = await cloud.compute.list_flavors()
    small, bigger = sorted(flavors, key=lambda f: (f.ram, f.vcpus))[:2]
    assert (await cloud.compute.find_flavor(small.name)) == small
    assert (await cloud.compute.get_flavor(small.id)).name == small.name
    assert await cloud.compute.list_availability_zones()
    image = await _image(cloud)
    net = await cloud.network.create_network(_name("srv"))
    subnet = await cloud.network.create_subnet(net.id, "10.30.0.0/24")
    marker = str(uuid.uuid4())
    server = await cloud.compute.create_server(
        _name("server"),
        small.id,
        image_id=image.id,
        networks=[{"uuid": net.id}],
        metadata={"saga": marker},
        user_data="#cloud-config\n",
    )
    try:
        server = await cloud.compute.wait_for_server(server.id, timeout=30, interval=0.1)
        assert server.status == "ACTIVE"
        assert net.name in server.addresses
        assert (await cloud.compute.find_server(metadata={"saga": marker})) == server
        assert (await cloud.compute.find_server(name=server.name)) == server

        await cloud.compute.stop_server(server.id)
        await cloud.compute.wait_for_server(server.id, "SHUTOFF", timeout=30, interval=0.1)
        await cloud.compute.start_server(server.id)
        await cloud.compute.wait_for_server(server.id, timeout=30, interval=0.1)
        await cloud.compute.reboot_server(server.id)
        await cloud.compute.wait_for_server(server.id, timeout=30, interval=0.1)
        await cloud.compute.resize_server(server.id, bigger.id)
        await cloud.compute.wait_for_server(server.id, "VERIFY_RESIZE", timeout=30, interval=0.1)
        await cloud.compute.confirm_resize(server.id)
        server = await cloud.compute.wait_for_server(server.id, timeout=30, interval=0.1)
        assert server.flavor.get("original_name", server.flavor.get("id")) in (
            bigger.name,
            bigger.id,
        )

        renamed = await cloud.compute.update_server(server.id, name=_name("renamed"))
        assert renamed.name.startswith("test-renamed")
        await cloud.compute.set_server_metadata(server.id, {"extra": "1"})
        assert (await cloud.compute.get_server(server.id)).metadata == {
            "saga": marker,
            "extra": "1",
        }

        group = await cloud.network.create_security_group(_name("srv-sg"))
        await cloud.compute.add_security_group(server.id, group.name)
        await cloud.compute.remove_security_group(server.id, group.name)
        await cloud.network.delete_security_group(group.id)

        assert (await cloud.compute.get_console_url(server.id)).startswith("http")

        volume = await cloud.volume.create_volume(1, name=_name("attach"))
        await cloud.volume.wait_for_volume(volume.id, timeout=30, interval=0.1)
        attachment = await cloud.compute.attach_volume(server.id, volume.id)
        assert attachment.volume_id == volume.id
        await cloud.volume.wait_for_volume(volume.id, "in-use", timeout=30, interval=0.1)
        assert [a.volume_id for a in await cloud.compute.list_volume_attachments(server.id)] == [
            volume.id
        ]
        assert await cloud.compute.detach_volume(server.id, volume.id)
        await cloud.volume.wait_for_volume(volume.id, timeout=30, interval=0.1)
        await cloud.volume.delete_volume(volume.id)
    finally:
        await cloud.compute.delete_server(server.id)
        await cloud.compute.wait_for_server_delete(server.id, timeout=30, interval=0.1)
        await cloud.network.delete_subnet(subnet.id)
        await cloud.network.delete_network(net.id)
        await cloud.image.delete_image(image.id)
    assert not await cloud.compute.delete_server(server.id)
