"""Nova through openstacksdk: servers, actions, consoles, attachments, groups, flavors, quotas."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from openstack import exceptions

from .conftest import Running, Tenant, raw_token

WAIT = 10


def _network(conn: Any, name: str = "svc", cidr: str = "10.20.0.0/24") -> Any:
    network = conn.network.create_network(name=name)
    conn.network.create_subnet(network_id=network.id, ip_version=4, cidr=cidr)
    return network


def _image(conn: Any) -> Any:
    return conn.image.find_image("cirros-0.6.2-x86_64-disk")


def _boot(conn: Any, name: str, network: Any, **extra: Any) -> Any:
    server = conn.compute.create_server(
        name=name, flavor_id="1", image_id=_image(conn).id, networks=[{"uuid": network.id}], **extra
    )
    return conn.compute.wait_for_server(server, wait=WAIT, interval=0.05)


def test_boot_with_keypair_groups_metadata_tags(tenant: Tenant) -> None:
    conn = tenant.conn
    keypair = conn.compute.create_keypair(name="kp")
    assert keypair.private_key.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert len(keypair.fingerprint.split(":")) == 16
    network = _network(conn)
    group = conn.network.create_security_group(name="app")
    user_data = base64.b64encode(b"#cloud-config\n").decode()
    created = conn.compute.create_server(
        name="vm1",
        flavor_id="2",
        image_id=_image(conn).id,
        networks=[{"uuid": network.id}],
        key_name="kp",
        security_groups=[{"name": "app"}],
        user_data=user_data,
        availability_zone="nova",
        metadata={"role": "web"},
        tags=["blue"],
    )
    assert created.admin_password
    server = conn.compute.get_server(created.id)
    assert server.status == "BUILD"
    server = conn.compute.wait_for_server(server, wait=WAIT, interval=0.05)
    assert server.status == "ACTIVE"
    assert server.power_state == 1
    assert server.key_name == "kp"
    assert server.metadata == {"role": "web"}
    assert server.tags == ["blue"]
    assert server.availability_zone == "nova"
    assert server.flavor["original_name"] == "m1.small"
    assert server.flavor["vcpus"] == 1
    assert [g["name"] for g in server.security_groups] == ["app"]
    address = server.addresses["svc"][0]
    assert address["addr"].startswith("10.20.0.")
    assert address["OS-EXT-IPS:type"] == "fixed"
    ports = list(conn.network.ports(device_id=server.id))
    assert len(ports) == 1
    assert [p.id for p in conn.network.ports(status="ACTIVE")] == [ports[0].id]
    assert ports[0].device_owner == "compute:nova"
    assert ports[0].status == "ACTIVE"
    assert ports[0].security_group_ids == [group.id]
    conn.compute.set_server_metadata(server, owner="ops")
    assert conn.compute.get_server_metadata(server).metadata == {"role": "web", "owner": "ops"}
    server.add_tag(conn.compute, "green")
    assert sorted(conn.compute.get_server(server.id).tags) == ["blue", "green"]
    conn.compute.update_server(server, name="vm1-renamed", description="front")
    renamed = conn.compute.get_server(server.id)
    assert renamed.name == "vm1-renamed"
    assert renamed.description == "front"
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=WAIT, interval=0.05)
    assert list(conn.network.ports(device_id=server.id)) == []


def test_boot_from_volume_and_existing_port(tenant: Tenant) -> None:
    conn = tenant.conn
    network = _network(conn, "bfv", "10.21.0.0/24")
    port = conn.network.create_port(network_id=network.id, name="pre")
    mapping = [
        {
            "boot_index": 0,
            "uuid": _image(conn).id,
            "source_type": "image",
            "destination_type": "volume",
            "volume_size": 2,
            "delete_on_termination": True,
        }
    ]
    server = conn.compute.create_server(
        name="bfv", flavor_id="1", block_device_mapping_v2=mapping, networks=[{"port": port.id}]
    )
    server = conn.compute.wait_for_server(server, wait=WAIT, interval=0.05)
    assert not server.image  # Nova shows "image": "" for a server booted from a volume
    volume_id = server.attached_volumes[0]["id"]
    volume = conn.block_storage.get_volume(volume_id)
    assert volume.status == "in-use"
    assert volume.is_bootable
    assert volume.size == 2
    assert volume.attachments[0]["server_id"] == server.id
    assert conn.network.get_port(port.id).device_id == server.id
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=WAIT, interval=0.05)
    conn.block_storage.wait_for_delete(volume, wait=WAIT, interval=0.05)
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_volume(volume_id)
    kept = conn.network.get_port(port.id)
    assert kept.device_id == ""
    assert kept.device_owner == ""


def test_power_reboot_and_resize_actions(tenant: Tenant) -> None:
    conn = tenant.conn
    server = _boot(conn, "act", _network(conn, "act", "10.22.0.0/24"))
    with pytest.raises(exceptions.ConflictException, match="vm_state active"):
        conn.compute.start_server(server)
    conn.compute.stop_server(server)
    server = conn.compute.wait_for_server(server, status="SHUTOFF", wait=WAIT, interval=0.05)
    assert server.power_state == 4
    conn.compute.start_server(server)
    server = conn.compute.wait_for_server(
        conn.compute.get_server(server.id), wait=WAIT, interval=0.05
    )
    conn.compute.reboot_server(server, "HARD")
    server = conn.compute.get_server(server.id)
    assert server.status == "HARD_REBOOT"
    server = conn.compute.wait_for_server(server, wait=WAIT, interval=0.05)
    conn.compute.resize_server(server, "2")
    server = conn.compute.wait_for_server(server, status="VERIFY_RESIZE", wait=WAIT, interval=0.05)
    assert server.flavor["original_name"] == "m1.small"
    conn.compute.confirm_server_resize(server)
    server = conn.compute.get_server(server.id)
    assert server.status == "ACTIVE"
    with pytest.raises(exceptions.BadRequestException, match="resize disk down"):
        conn.compute.resize_server(server, "1")
    conn.compute.resize_server(server, "3")
    conn.compute.wait_for_server(server, status="VERIFY_RESIZE", wait=WAIT, interval=0.05)
    conn.compute.revert_server_resize(server)
    server = conn.compute.get_server(server.id)
    assert server.status == "REVERT_RESIZE"
    server = conn.compute.wait_for_server(server, wait=WAIT, interval=0.05)
    assert server.flavor["original_name"] == "m1.small"
    with pytest.raises(exceptions.ConflictException):
        conn.compute.confirm_server_resize(server)


def test_console_and_volume_attachments(tenant: Tenant) -> None:
    conn = tenant.conn
    server = _boot(conn, "con", _network(conn, "con", "10.23.0.0/24"))
    console = conn.compute.create_server_remote_console(server, protocol="vnc", type="novnc")
    assert console.url.startswith("http")
    assert "token" in console.url
    legacy = conn.compute.get_server_console_url(server, "novnc")
    assert legacy["type"] == "novnc"
    assert legacy["url"]
    volume = conn.block_storage.create_volume(size=1, name="data")
    conn.block_storage.wait_for_status(volume, "available", wait=WAIT, interval=0.05)
    attachment = conn.compute.create_volume_attachment(server, volume_id=volume.id)
    assert attachment.device == "/dev/vdb"
    assert conn.block_storage.get_volume(volume.id).status == "attaching"
    conn.block_storage.wait_for_status(volume, "in-use", wait=WAIT, interval=0.05)
    assert [a.volume_id for a in conn.compute.volume_attachments(server)] == [volume.id]
    assert conn.compute.get_server(server.id).attached_volumes[0]["id"] == volume.id
    with pytest.raises(exceptions.BadRequestException):
        conn.block_storage.delete_volume(volume)
    conn.compute.delete_volume_attachment(server, volume)
    conn.block_storage.wait_for_status(volume, "available", wait=WAIT, interval=0.05)
    assert list(conn.compute.volume_attachments(server)) == []


def test_server_group_policies(tenant: Tenant) -> None:
    conn = tenant.conn
    network = _network(conn, "grp", "10.24.0.0/24")
    spread = conn.compute.create_server_group(name="spread", policy="anti-affinity")
    hints = {"group": spread.id}
    hosts = set()
    for index in range(3):
        server = _boot(conn, f"anti-{index}", network, scheduler_hints=hints)
        hosts.add(server.compute_host or server.host_id)
    assert len(hosts) == 3
    failed = conn.compute.create_server(
        name="anti-3",
        flavor_id="1",
        image_id=_image(conn).id,
        networks=[{"uuid": network.id}],
        scheduler_hints=hints,
    )
    failed = conn.compute.get_server(failed.id)
    assert failed.status == "ERROR"
    assert "No valid host" in failed.fault["message"]
    assert len(conn.compute.get_server_group(spread.id).member_ids) == 3
    conn.compute.delete_server(failed)
    together = conn.compute.create_server_group(name="together", policy="affinity")
    first = _boot(conn, "aff-0", network, scheduler_hints={"group": together.id})
    second = _boot(conn, "aff-1", network, scheduler_hints={"group": together.id})
    assert first.host_id == second.host_id


def test_list_filters_and_pagination(tenant: Tenant, admin: Any) -> None:
    conn = tenant.conn
    network = _network(conn, "list", "10.25.0.0/24")
    made = [
        conn.compute.create_server(
            name=f"page-{i}",
            flavor_id="1",
            image_id=_image(conn).id,
            networks=[{"uuid": network.id}],
        )
        for i in range(5)
    ]
    raw = conn.compute.get("/servers?limit=2").json()
    assert [s["id"] for s in raw["servers"]] == [made[4].id, made[3].id]  # newest first
    assert raw["servers_links"][0]["rel"] == "next"
    paged = list(conn.compute.servers(limit=2))
    assert [s.id for s in paged] == [s.id for s in reversed(made)]
    assert {s.name for s in conn.compute.servers(name="page-[12]")} == {"page-1", "page-2"}
    for server in made:
        conn.compute.wait_for_server(server, wait=WAIT, interval=0.05)
    assert len(list(conn.compute.servers(status="ACTIVE"))) == 5
    assert list(conn.compute.servers(status="SHUTOFF")) == []
    assert list(admin.compute.servers(name="page-1")) == []  # admin sees its own project
    everywhere = list(admin.compute.servers(all_projects=True, name="^page-1$"))
    assert [s.id for s in everywhere] == [made[1].id]
    assert everywhere[0].project_id == tenant.project_id
    with pytest.raises(exceptions.ForbiddenException):
        list(conn.compute.servers(all_projects=True))


def test_flavors_and_extra_specs(admin: Any, tenant: Tenant) -> None:
    flavor = admin.compute.create_flavor(name="c1.custom", ram=1024, vcpus=2, disk=10)
    admin.compute.create_flavor_extra_specs(flavor, {"hw:cpu_policy": "dedicated"})
    assert admin.compute.fetch_flavor_extra_specs(flavor).extra_specs == {
        "hw:cpu_policy": "dedicated"
    }
    admin.compute.update_flavor_extra_specs_property(flavor, "hw:cpu_policy", "shared")
    assert admin.compute.get_flavor_extra_specs_property(flavor, "hw:cpu_policy") == "shared"
    admin.compute.delete_flavor_extra_specs_property(flavor, "hw:cpu_policy")
    assert tenant.conn.compute.find_flavor("c1.custom").vcpus == 2
    with pytest.raises(exceptions.ForbiddenException):
        tenant.conn.compute.create_flavor(name="nope", ram=1, vcpus=1, disk=1)
    admin.compute.delete_flavor(flavor)
    assert tenant.conn.compute.find_flavor("c1.custom") is None
    zones = list(tenant.conn.compute.availability_zones())
    assert [z.name for z in zones] == ["nova"]


def test_quota_sets_limits_and_quota_errors(emulator: Running, admin: Any, tenant: Tenant) -> None:
    conn = tenant.conn
    defaults = conn.compute.get_quota_set_defaults(tenant.project_id)
    assert defaults.instances == 10
    assert defaults.cores == 20
    admin.compute.update_quota_set(tenant.project_id, instances=1, cores=4)
    network = _network(conn, "quota", "10.26.0.0/24")
    _boot(conn, "q1", network)
    usage = conn.compute.get_quota_set(tenant.project_id, usage=True)
    assert usage.usage["instances"] == 1
    assert usage.instances == 1
    limits = conn.compute.get_limits()
    assert limits.absolute.instances == 1
    assert limits.absolute.instances_used == 1
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    body = {
        "server": {
            "name": "q2",
            "flavorRef": "1",
            "imageRef": _image(conn).id,
            "networks": [{"uuid": network.id}],
        }
    }
    refused = httpx.post(
        f"{emulator.url}/compute/v2.1/servers",
        json=body,
        headers={"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.79"},
    )
    assert refused.status_code == 403
    assert "Quota exceeded for instances" in refused.json()["forbidden"]["message"]


def test_nova_errors_and_microversions(emulator: Running) -> None:
    token, _ = raw_token(emulator)
    base = f"{emulator.url}/compute/v2.1"
    missing = httpx.get(f"{base}/servers/nope", headers={"X-Auth-Token": token})
    assert missing.status_code == 404
    assert missing.json() == {
        "itemNotFound": {"code": 404, "message": "Instance nope could not be found."}
    }
    answered = httpx.get(
        f"{base}/flavors/1",
        headers={"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.61"},
    )
    assert answered.headers["OpenStack-API-Version"] == "compute 2.61"
    assert answered.headers["X-OpenStack-Nova-API-Version"] == "2.61"
    assert answered.json()["flavor"]["extra_specs"] == {}
    old = httpx.get(f"{base}/flavors/1", headers={"X-Auth-Token": token})
    assert old.headers["OpenStack-API-Version"] == "compute 2.1"
    assert "extra_specs" not in old.json()["flavor"]
    latest = httpx.get(
        f"{base}/flavors/1",
        headers={"X-Auth-Token": token, "X-OpenStack-Nova-API-Version": "latest"},
    )
    assert latest.headers["X-OpenStack-Nova-API-Version"] == "2.87"
    too_new = httpx.get(
        f"{base}/flavors/1",
        headers={"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.88"},
    )
    assert too_new.status_code == 406
    version = httpx.get(f"{base}/").json()["version"]
    assert (version["min_version"], version["version"]) == ("2.1", "2.87")


def test_network_requests_by_microversion(emulator: Running, tenant: Tenant) -> None:
    conn = tenant.conn
    network = _network(conn, "only", "10.27.0.0/24")
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    url = f"{emulator.url}/compute/v2.1/servers"
    spec = {"name": "auto", "flavorRef": "1", "imageRef": _image(conn).id}

    def post(version: str, **extra: Any) -> httpx.Response:
        return httpx.post(
            url,
            json={"server": {**spec, **extra}},
            headers={"X-Auth-Token": token, "OpenStack-API-Version": f"compute {version}"},
        )

    assert post("2.87").status_code == 400  # networks is required from 2.37
    implicit = post("2.36")
    assert implicit.status_code == 202
    ports = list(conn.network.ports(device_id=implicit.json()["server"]["id"]))
    assert [p.network_id for p in ports] == [network.id]
    none = post("2.87", networks="none")
    assert none.status_code == 202
    assert list(conn.network.ports(device_id=none.json()["server"]["id"])) == []
    _network(conn, "second", "10.28.0.0/24")
    assert post("2.87", networks="auto").status_code == 409
