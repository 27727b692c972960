"""The control API: counters, inventory, reset, settings, and independent clouds."""

from __future__ import annotations

from typing import Any

import httpx

from stackyard_emulator.inventory import SECTIONS

from .conftest import Running, Tenant, start_emulator


def test_counters_count_token_issues_and_route_templates(emulator: Running, tenant: Tenant) -> None:
    with emulator.control() as control:
        control.delete("/counters")
        conn = emulator.connect(tenant.username, tenant.password, tenant.project_name)
        network = conn.network.create_network(name="counted")
        conn.network.get_network(network.id)
        conn.network.get_network(network.id)
        counters = control.get("/counters").json()
    assert counters["counters"]["identity POST /v3/auth/tokens"] == 1
    assert counters["counters"]["network POST /v2.0/networks"] == 1
    assert counters["counters"]["network GET /v2.0/networks/{resource_id}"] == 2
    assert counters["total"] == sum(counters["counters"].values())


def test_inventory_shows_each_projects_resources(emulator: Running, tenant: Tenant) -> None:
    conn = tenant.conn
    network = conn.network.create_network(name="inv-net")
    subnet = conn.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.30.0.0/24")
    image = conn.image.find_image("cirros-0.6.2-x86_64-disk")
    server = conn.compute.create_server(
        name="inv-vm", flavor_id="1", image_id=image.id, networks=[{"uuid": network.id}]
    )
    volume = conn.block_storage.create_volume(size=1, name="inv-vol")
    conn.compute.create_keypair(name="inv-key")
    with emulator.control() as control:
        dump = control.get("/inventory").json()
    assert dump["cloud"] == "cloud-a"
    mine = dump["projects"][tenant.project_id]
    assert set(mine) == {"name", "quotas", *SECTIONS}
    assert mine["name"] == tenant.project_name
    assert [u["name"] for u in mine["users"]] == [tenant.username]
    assert [a["role"] for a in mine["role_assignments"]] == ["member"]
    assert [s["id"] for s in mine["servers"]] == [server.id]
    assert mine["servers"][0]["addresses"]["inv-net"][0].startswith("10.30.0.")
    assert [v["id"] for v in mine["volumes"]] == [volume.id]
    assert [n["id"] for n in mine["networks"]] == [network.id]
    assert [s["id"] for s in mine["subnets"]] == [subnet.id]
    assert [p["device_id"] for p in mine["ports"]] == [server.id]
    assert [g["name"] for g in mine["security_groups"]] == ["default"]
    assert len(mine["security_group_rules"]) == 4
    assert [k["name"] for k in mine["keypairs"]] == ["inv-key"]
    assert mine["quotas"]["compute"]["instances"] == 10
    assert mine["quotas"]["network"]["port"] == 500
    assert mine["quotas"]["volume"]["volumes_ssd"] == -1
    admin_project = next(p for p in dump["projects"].values() if p["name"] == "admin")
    assert "public" in {n["name"] for n in admin_project["networks"]}


def test_reset_settings_and_independent_clouds(emulator: Running) -> None:
    other = start_emulator("cloud-b")
    try:
        conn = other.connect()
        conn.network.create_network(name="only-in-b")
        token = conn.session.get_token()
        assert (
            httpx.get(
                f"{emulator.url}/network/v2.0/networks", headers={"X-Auth-Token": token}
            ).status_code
            == 401
        )
        with other.control() as control:
            info = control.get("").json()
            assert info["name"] == "cloud-b"
            names = {
                n["name"]
                for p in control.get("/inventory").json()["projects"].values()
                for n in p["networks"]
            }
            assert names == {"public", "only-in-b"}
            settings = control.patch("/settings", json={"delays": {"build": 0}}).json()
            assert settings["delays"]["build"] == 0
            assert control.patch("/settings", json={"delays": {"warp": 1}}).status_code == 400
            assert control.post("/reset").status_code == 204
            names = {
                n["name"]
                for p in control.get("/inventory").json()["projects"].values()
                for n in p["networks"]
            }
            assert names == {"public"}
        fresh = other.connect()
        assert fresh.network.find_network("only-in-b") is None
        with emulator.control() as control:
            here = {
                n["name"]
                for p in control.get("/inventory").json()["projects"].values()
                for n in p["networks"]
            }
        assert "only-in-b" not in here
    finally:
        other.stop()


def test_bulk_load(emulator: Running, admin: Any) -> None:
    project = admin.identity.create_project(name="bulk-project", domain_id="default")
    with emulator.control() as control:
        loaded = control.post(
            "/load",
            json={"project_id": project.id, "servers": 30, "ports": 20, "volumes": 12},
        )
    assert loaded.status_code == 201
    body = loaded.json()
    assert body["servers"] == 30
    servers = list(admin.compute.servers(all_projects=True, project_id=project.id))
    assert len(servers) == 30
    ports = list(admin.network.ports(project_id=project.id))
    assert len(ports) == 50
    assert len({p.fixed_ips[0]["ip_address"] for p in ports}) == 50
    volumes = list(admin.block_storage.volumes(all_projects=True, project_id=project.id))
    assert len(volumes) == 12
    assert {volume.size for volume in volumes} == {1}
