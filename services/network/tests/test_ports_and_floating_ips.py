"""Ports with fixed IPs and groups, floating IPs allocated, assigned, unassigned and
released, as the cloud shows them; fixed IPs outside their subnet or taken, and groups
of another tenant, refused before any cloud call."""

from __future__ import annotations

from .cloud import Net
from .topology import routed_network, settled_post


async def test_ports_and_floating_ips(net: Net) -> None:
    tenant = await net.tenant(external_network_id=net.public_network)
    other = await net.tenant()
    headers = await net.manager(tenant)
    made = await routed_network(net, tenant, headers)
    subnet = made["subnets"][0]
    group = await settled_post(
        net, "/api/openstack-sgp/", {"tenant": str(tenant.uuid), "name": "db"}, headers
    )
    foreign = await settled_post(
        net,
        "/api/openstack-sgp/",
        {"tenant": str(other.uuid), "name": "x"},
        await net.manager(other),
    )
    port = await settled_post(
        net,
        "/api/openstack-ports/",
        {
            "network": made["network"]["uuid"],
            "name": "db-port",
            "fixed_ips": [{"subnet_id": subnet["uuid"], "ip_address": "10.41.0.50"}],
            "security_groups": [group["url"]],
        },
        headers,
    )
    assert port["state"] == "OK", port
    assert port["fixed_ips"] == [{"ip_address": "10.41.0.50", "subnet_id": subnet["backend_id"]}]
    cloud_ports = {p["id"]: p for p in (await net.inventory(tenant.backend_id))["ports"]}
    assert cloud_ports[port["backend_id"]]["fixed_ips"] == port["fixed_ips"]
    assert cloud_ports[port["backend_id"]]["security_groups"] == [group["backend_id"]]

    before = await net.network_calls()
    for fixed_ip, groups, field in (
        ({"subnet_id": subnet["uuid"], "ip_address": "10.99.0.5"}, [], "fixed_ips"),
        ({"subnet_id": subnet["uuid"], "ip_address": "10.41.0.50"}, [], "fixed_ips"),
        ({"subnet_id": subnet["uuid"], "ip_address": "10.41.0.1"}, [], "fixed_ips"),
        ({"subnet_id": subnet["uuid"]}, [foreign["uuid"]], "security_groups"),
    ):
        refused = await net.client.post(
            "/api/openstack-ports/",
            json={
                "network": made["network"]["uuid"],
                "name": "bad",
                "fixed_ips": [fixed_ip],
                "security_groups": groups,
            },
            headers=headers,
        )
        assert refused.status_code == 400, refused.text
        assert list(refused.json()) == [field]
    assert await net.network_calls() == before

    floating = await settled_post(
        net, "/api/openstack-floating-ips/", {"tenant": str(tenant.uuid)}, headers
    )
    assert floating["state"] == "OK", floating
    assert floating["backend_network_id"] == net.public_network
    path = f"/api/openstack-floating-ips/{floating['uuid']}/"
    assigned = await net.client.post(f"{path}assign/", json={"port": port["uuid"]}, headers=headers)
    assert assigned.status_code == 202, assigned.text
    floating = await net.settled(path, headers)
    assert floating["port_uuid"] == port["uuid"]
    assert floating["fixed_ip_address"] == "10.41.0.50"
    cloud_ips = (await net.inventory(tenant.backend_id))["floating_ips"]
    assert [(f["floating_ip_address"], f["port_id"]) for f in cloud_ips] == [
        (floating["address"], port["backend_id"])
    ]
    seen = (await net.client.get(f"/api/openstack-ports/{port['uuid']}/", headers=headers)).json()
    assert seen["floating_ips"] == [floating["address"]]

    assert (await net.client.post(f"{path}unassign/", headers=headers)).status_code == 202
    floating = await net.settled(path, headers)
    assert floating["port_uuid"] is None
    assert [f["port_id"] for f in (await net.inventory(tenant.backend_id))["floating_ips"]] == [
        None
    ]
    assert (await net.client.delete(path, headers=headers)).status_code == 202
    assert await net.settled(path, headers) is None
    assert (await net.inventory(tenant.backend_id))["floating_ips"] == []

    port_path = f"/api/openstack-ports/{port['uuid']}/"
    assert (await net.client.delete(port_path, headers=headers)).status_code == 202
    assert await net.settled(port_path, headers) is None
    assert port["backend_id"] not in {
        p["id"] for p in (await net.inventory(tenant.backend_id))["ports"]
    }
