"""The compute proxy's calls around servers over HTTP against a real emulator process:
server groups, key pairs, flavor extra specs, zones, limits, and a server's volume
attachments, interfaces and metadata."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from stackyard_common.openstack import Conflict, MemoryTokenCache, NotFound, OpenStackClient

from .conftest import Emulator

pytestmark = pytest.mark.system

WAIT = {"timeout": 30.0, "interval": 0.1}


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


async def test_server_groups(cloud: OpenStackClient) -> None:
    name = _name("group")
    group = await cloud.compute.create_server_group(name, "anti-affinity", max_server_per_host=2)
    assert (group.name, group.policy, group.rules) == (
        name,
        "anti-affinity",
        {"max_server_per_host": 2},
    )
    assert group.members == []
    other = await cloud.compute.create_server_group(_name("group"), "soft-affinity")
    try:
        assert (await cloud.compute.get_server_group(group.id)) == group
        assert (await cloud.compute.find_server_group(name)) == group
        assert await cloud.compute.find_server_group(_name("absent")) is None
        listed = {g.id: g.policy for g in await cloud.compute.list_server_groups()}
        assert listed[group.id] == "anti-affinity"
        assert listed[other.id] == "soft-affinity"
        everyone = await cloud.compute.list_server_groups(all_projects=True)
        assert {group.id, other.id} <= {g.id for g in everyone}
    finally:
        assert await cloud.compute.delete_server_group(group.id)
        assert await cloud.compute.delete_server_group(other.id)
    assert not await cloud.compute.delete_server_group(group.id)
    with pytest.raises(NotFound):
        await cloud.compute.delete_server_group(group.id, ignore_missing=False)
    with pytest.raises(NotFound):
        await cloud.compute.get_server_group(group.id)


async def test_keypairs_generated_and_imported(cloud: OpenStackClient) -> None:
    generated = await cloud.compute.create_keypair(_name("key gen"))  # names may hold spaces
    try:
        assert generated.private_key is not None
        private = generated.private_key.get_secret_value()
        assert private.startswith("-----BEGIN")
        assert "private_key" not in generated.raw
        assert private not in repr(generated)
        assert generated.id == generated.name
        assert generated.public_key.startswith("ssh-rsa ")

        imported = await cloud.compute.create_keypair(
            _name("key imp"), public_key=generated.public_key
        )
        try:
            assert imported.private_key is None
            assert imported.fingerprint == generated.fingerprint
            shown = await cloud.compute.get_keypair(imported.name)
            assert (shown.name, shown.public_key) == (imported.name, generated.public_key)
            assert shown.type == "ssh"
            names = [k.name for k in await cloud.compute.list_keypairs()]
            assert {generated.name, imported.name} <= set(names)
            assert names == sorted(names)
            with pytest.raises(Conflict):
                await cloud.compute.create_keypair(imported.name, public_key=generated.public_key)
        finally:
            assert await cloud.compute.delete_keypair(imported.name)
        assert not await cloud.compute.delete_keypair(imported.name)
        with pytest.raises(NotFound):
            await cloud.compute.get_keypair(imported.name)
    finally:
        await cloud.compute.delete_keypair(generated.name)


async def test_flavor_extra_specs_zones_and_limits(cloud: OpenStackClient) -> None:
    # Flavors are made and given extra specs by cloud admins, which the proxy does not do.
    session = cloud.session
    created = await session.request(
        "compute",
        "POST",
        "/flavors",
        json={"flavor": {"name": _name("flavor"), "ram": 256, "vcpus": 1, "disk": 1}},
    )
    flavor_id = created.json()["flavor"]["id"]
    try:
        assert await cloud.compute.get_flavor_extra_specs(flavor_id) == {}
        await session.request(
            "compute",
            "POST",
            f"/flavors/{flavor_id}/os-extra_specs",
            json={"extra_specs": {"hw:cpu_policy": "dedicated", "quota:disk_read_iops_sec": 500}},
        )
        assert await cloud.compute.get_flavor_extra_specs(flavor_id) == {
            "hw:cpu_policy": "dedicated",
            "quota:disk_read_iops_sec": "500",
        }
        assert await cloud.compute.get_flavor_extra_spec(flavor_id, "hw:cpu_policy") == "dedicated"
        with pytest.raises(NotFound):
            await cloud.compute.get_flavor_extra_spec(flavor_id, "hw:mem_page_size")
    finally:
        await session.request("compute", "DELETE", f"/flavors/{flavor_id}")
    with pytest.raises(NotFound):
        await cloud.compute.get_flavor_extra_specs(flavor_id)

    assert await cloud.compute.list_availability_zones() == ["nova"]
    assert await cloud.volume.list_availability_zones() == ["nova"]

    project = await cloud.identity.create_project(_name("limits"))
    try:
        await cloud.compute.set_quotas(project.id, cores=7, instances=3)
        limits = await cloud.compute.get_limits(project.id)
        assert (limits.max_cores, limits.max_instances) == (7, 3)
        assert (limits.cores_used, limits.instances_used, limits.ram_used) == (0, 0, 0)
        assert limits.raw["maxTotalCores"] == 7
    finally:
        await cloud.identity.delete_project(project.id)


async def test_a_servers_attachments_interfaces_and_metadata(cloud: OpenStackClient) -> None:
    image = next(i for i in await cloud.image.list_images() if i.name.startswith("cirros"))
    net = await cloud.network.create_network(_name("parts"))
    subnet = await cloud.network.create_subnet(net.id, "10.40.0.0/24")
    group = await cloud.compute.create_server_group(_name("group"), "affinity")
    before = await cloud.compute.get_limits()
    server = await cloud.compute.create_server(
        _name("server"),
        "1",
        image_id=image.id,
        networks=[{"uuid": net.id}],
        metadata={"role": "db", "tier": "gold"},
        server_group_id=group.id,
    )
    volume = await cloud.volume.create_volume(1, name=_name("data"))
    try:
        await cloud.compute.wait_for_server(server.id, **WAIT)
        assert (await cloud.compute.get_server_group(group.id)).members == [server.id]
        assert (await cloud.compute.get_limits()).instances_used == before.instances_used + 1

        interfaces = await cloud.compute.list_server_interfaces(server.id)
        ports = await cloud.network.list_ports(device_id=server.id)
        assert [i.id for i in interfaces] == [p.id for p in ports]
        assert interfaces[0].net_id == net.id
        assert interfaces[0].fixed_ips[0]["subnet_id"] == subnet.id
        assert interfaces[0].mac_addr == ports[0].raw["mac_address"]

        assert await cloud.compute.get_server_metadata(server.id) == {"role": "db", "tier": "gold"}
        merged = await cloud.compute.set_server_metadata(server.id, {"tier": "silver", "x": "1"})
        assert merged == {"role": "db", "tier": "silver", "x": "1"}
        assert await cloud.compute.delete_server_metadata_item(server.id, "x")
        assert not await cloud.compute.delete_server_metadata_item(server.id, "x")
        replaced = await cloud.compute.replace_server_metadata(server.id, {"only": "this"})
        assert replaced == {"only": "this"}
        assert (await cloud.compute.get_server(server.id)).metadata == {"only": "this"}

        await cloud.volume.wait_for_volume(volume.id, **WAIT)
        attachment = await cloud.compute.attach_volume(
            server.id, volume.id, tag="data", delete_on_termination=True
        )
        assert (attachment.server_id, attachment.volume_id) == (server.id, volume.id)
        assert attachment.delete_on_termination is True
        assert attachment.tag == "data"
        await cloud.volume.wait_for_volume(volume.id, "in-use", **WAIT)
        shown = await cloud.compute.get_volume_attachment(server.id, volume.id)
        assert shown.device == attachment.device
        assert await cloud.compute.list_volume_attachments(server.id) == [shown]
        with pytest.raises(Conflict):
            await cloud.compute.attach_volume(server.id, volume.id)
    finally:
        await cloud.compute.delete_server(server.id)
        await cloud.compute.wait_for_server_delete(server.id, **WAIT)
        await cloud.network.delete_subnet(subnet.id)
        await cloud.network.delete_network(net.id)
        await cloud.compute.delete_server_group(group.id)
    # Attached with delete_on_termination: the volume went with the server.
    await cloud.volume.wait_for_volume_delete(volume.id, **WAIT)
    with pytest.raises(NotFound):
        await cloud.compute.get_volume_attachment(server.id, volume.id)
    with pytest.raises(NotFound):
        await cloud.compute.get_server_metadata(server.id)
