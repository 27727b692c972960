"""The internal API compute calls: ports and floating IPs made synchronously and
idempotently, refused with the field before any cloud call, service tokens only."""

from __future__ import annotations

import uuid

from stackyard_common.auth import issue_service_token

from .cloud import Net
from .topology import routed_network, settled_post


async def test_ports_and_floating_ips_for_instances(net: Net) -> None:
    tenant = await net.tenant(external_network_id=net.public_network)
    other = await net.tenant()
    headers = await net.manager(tenant)
    made = await routed_network(net, tenant, headers)
    subnet = made["subnets"][0]
    await net.announce(
        tenant,
        "OK",
        external_network_id=net.public_network,
        internal_network_id=made["network"]["backend_id"],
        subnet_id=made["subnets"][1]["backend_id"],
    )
    group = await settled_post(
        net, "/api/openstack-sgp/", {"tenant": str(tenant.uuid), "name": "vm"}, headers
    )
    foreign = await settled_post(
        net,
        "/api/openstack-sgp/",
        {"tenant": str(other.uuid), "name": "x"},
        await net.manager(other),
    )
    service = {"Authorization": f"Bearer {issue_service_token(net.settings, 'compute')}"}
    assert (await net.client.post("/internal/ports/", json={}, headers=headers)).status_code == 401

    body = {
        "uuid": str(uuid.uuid4()),
        "tenant_uuid": str(tenant.uuid),
        "subnet_uuid": subnet["uuid"],
        "fixed_ip": "10.41.0.77",
        "security_group_uuids": [group["uuid"]],
        "name": "vm-port",
    }
    first = await net.client.post("/internal/ports/", json=body, headers=service)
    assert first.status_code == 201, first.text
    port = first.json()
    assert port["fixed_ips"] == [{"ip_address": "10.41.0.77", "subnet_id": subnet["backend_id"]}]
    assert port["subnet_backend_id"] == subnet["backend_id"]
    assert port["network_backend_id"] == made["network"]["backend_id"]
    again = await net.client.post("/internal/ports/", json=body, headers=service)
    assert again.status_code == 200
    assert again.json()["backend_id"] == port["backend_id"]
    cloud = {p["id"]: p for p in (await net.inventory(tenant.backend_id))["ports"]}
    assert cloud[port["backend_id"]]["security_groups"] == [group["backend_id"]]

    before = await net.network_calls()
    for change, field in (
        ({"fixed_ip": "10.41.0.77"}, "fixed_ip"),
        ({"fixed_ip": "10.77.0.5"}, "fixed_ip"),
        ({"fixed_ip": None, "security_group_uuids": [foreign["uuid"]]}, "security_group_uuids"),
        ({"fixed_ip": None, "subnet_uuid": str(uuid.uuid4())}, "subnet_uuid"),
    ):
        refused = await net.client.post(
            "/internal/ports/", json={**body, "uuid": str(uuid.uuid4()), **change}, headers=service
        )
        assert refused.status_code == 400, refused.text
        assert list(refused.json()) == [field]
    assert await net.network_calls() == before

    plain = await net.client.post(
        "/internal/ports/",
        json={"uuid": str(uuid.uuid4()), "tenant_uuid": str(tenant.uuid)},
        headers=service,
    )
    assert plain.status_code == 201, plain.text
    assert plain.json()["subnet_backend_id"] == made["subnets"][1]["backend_id"]

    regrouped = await net.client.post(
        f"/internal/ports/{port['uuid']}/security-groups",
        json={"security_group_uuids": []},
        headers=service,
    )
    assert regrouped.status_code == 200, regrouped.text
    cloud = {p["id"]: p for p in (await net.inventory(tenant.backend_id))["ports"]}
    assert cloud[port["backend_id"]]["security_groups"] == []

    request = {
        "uuid": str(uuid.uuid4()),
        "tenant_uuid": str(tenant.uuid),
        "port_uuid": port["uuid"],
    }
    floating = await net.client.post("/internal/floating-ips/", json=request, headers=service)
    assert floating.status_code == 201, floating.text
    address = floating.json()["address"]
    repeat = await net.client.post("/internal/floating-ips/", json=request, headers=service)
    assert repeat.status_code == 200
    assert repeat.json()["address"] == address
    cloud_ips = (await net.inventory(tenant.backend_id))["floating_ips"]
    assert [(f["floating_ip_address"], f["port_id"]) for f in cloud_ips] == [
        (address, port["backend_id"])
    ]
    path = f"/internal/floating-ips/{request['uuid']}"
    assert (await net.client.post(f"{path}/unassign", headers=service)).json()["port_uuid"] is None
    assert (await net.client.delete(path, headers=service)).status_code == 204
    assert (await net.inventory(tenant.backend_id))["floating_ips"] == []

    for key in (port["uuid"], plain.json()["uuid"]):
        assert (
            await net.client.delete(f"/internal/ports/{key}", headers=service)
        ).status_code == 204
    left = {p["id"] for p in (await net.inventory(tenant.backend_id))["ports"]}
    assert port["backend_id"] not in left
    assert plain.json()["backend_id"] not in left
