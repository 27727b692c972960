"""Networks and subnets: made, changed and deleted in the cloud by the worker; every
address checked before the cloud is asked; seen only by those who see the tenant."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_common.auth import Role

from .cloud import Net


async def test_network_and_subnet_lifecycle(net: Net) -> None:
    tenant = await net.tenant()
    headers = await net.manager(tenant)
    created = await net.client.post(
        "/api/openstack-networks/",
        json={"tenant": str(tenant.uuid), "name": "backend", "mtu": 1400},
        headers=headers,
    )
    assert created.status_code == 202, created.text
    assert created.json()["state"] == "CREATION_SCHEDULED"
    path = f"/api/openstack-networks/{created.json()['uuid']}/"
    network = await net.settled(path, headers)
    assert network["state"] == "OK", network
    inventory = await net.inventory(tenant.backend_id)
    assert [(n["id"], n["name"], n["mtu"]) for n in inventory["networks"]] == [
        (network["backend_id"], "backend", 1400)
    ]

    changed = await net.client.patch(path, json={"name": "back", "mtu": 1450}, headers=headers)
    assert changed.status_code == 202, changed.text
    assert changed.json()["state"] == "UPDATE_SCHEDULED"
    assert (await net.settled(path, headers))["state"] == "OK"
    inventory = await net.inventory(tenant.backend_id)
    assert [(n["name"], n["mtu"]) for n in inventory["networks"]] == [("back", 1450)]

    subnet = await net.client.post(
        "/api/openstack-subnets/",
        json={
            "network": network["url"],
            "name": "back-a",
            "cidr": "10.20.0.0/24",
            "gateway_ip": "10.20.0.1",
            "allocation_pools": [{"start": "10.20.0.10", "end": "10.20.0.99"}],
            "dns_nameservers": ["8.8.8.8"],
            "host_routes": [{"destination": "172.16.0.0/16", "nexthop": "10.20.0.5"}],
        },
        headers=headers,
    )
    assert subnet.status_code == 202, subnet.text
    subnet_path = f"/api/openstack-subnets/{subnet.json()['uuid']}/"
    made = await net.settled(subnet_path, headers)
    assert made["state"] == "OK", made
    assert made["host_routes"] == [{"destination": "172.16.0.0/16", "nexthop": "10.20.0.5"}]
    inventory = await net.inventory(tenant.backend_id)
    assert [(s["id"], s["cidr"], s["gateway_ip"]) for s in inventory["subnets"]] == [
        (made["backend_id"], "10.20.0.0/24", "10.20.0.1")
    ]
    seen = (await net.client.get(path, headers=headers)).json()
    assert [s["uuid"] for s in seen["subnets"]] == [made["uuid"]]

    patched = await net.client.patch(
        subnet_path, json={"dns_nameservers": ["1.1.1.1"]}, headers=headers
    )
    assert patched.status_code == 202, patched.text
    assert (await net.settled(subnet_path, headers))["dns_nameservers"] == ["1.1.1.1"]

    assert (await net.client.delete(path, headers=headers)).status_code == 202
    assert await net.settled(path, headers) is None
    assert (await net.client.get(subnet_path, headers=headers)).status_code == 404
    inventory = await net.inventory(tenant.backend_id)
    assert inventory["networks"] == []
    assert inventory["subnets"] == []


async def _ok_network(net: Net, tenant_headers: dict[str, str], tenant: str) -> dict[str, str]:
    created = await net.client.post(
        "/api/openstack-networks/",
        json={"tenant": tenant, "name": f"net-{uuid.uuid4().hex[:4]}"},
        headers=tenant_headers,
    )
    path = f"/api/openstack-networks/{created.json()['uuid']}/"
    network: dict[str, str] = await net.settled(path, tenant_headers)
    assert network["state"] == "OK"
    return network


async def test_subnet_addressing_is_checked_before_any_cloud_call(net: Net) -> None:
    tenant = await net.tenant()
    headers = await net.manager(tenant)
    network = await _ok_network(net, headers, str(tenant.uuid))
    first = await net.client.post(
        "/api/openstack-subnets/",
        json={"network": network["uuid"], "name": "a", "cidr": "10.30.0.0/24"},
        headers=headers,
    )
    assert first.status_code == 202, first.text
    before = await net.network_calls()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"cidr": "10.30.0.128/25"}, "cidr"),
        ({"cidr": "10.31.0.0/24", "gateway_ip": "10.99.0.1"}, "gateway_ip"),
        (
            {
                "cidr": "10.32.0.0/24",
                "allocation_pools": [{"start": "10.32.1.1", "end": "10.32.1.9"}],
            },
            "allocation_pools",
        ),
        (
            {
                "cidr": "10.33.0.0/24",
                "allocation_pools": [{"start": "10.33.0.90", "end": "10.33.0.10"}],
            },
            "allocation_pools",
        ),
        ({"cidr": "10.34.0.1/24"}, "cidr"),
        ({"cidr": "10.35.0.0/24", "dns_nameservers": ["dns.example.org"]}, "dns_nameservers"),
        (
            {"cidr": "10.36.0.0/24", "host_routes": [{"destination": "x", "nexthop": "10.36.0.2"}]},
            "host_routes",
        ),
    ]
    for body, field in cases:
        response = await net.client.post(
            "/api/openstack-subnets/",
            json={"network": network["uuid"], "name": "b", **body},
            headers=headers,
        )
        assert response.status_code == 400, (body, response.text)
        assert list(response.json()) == [field], (body, response.json())
    assert await net.network_calls() == before


async def test_only_those_who_see_the_tenant_see_its_networks(net: Net) -> None:
    tenant = await net.tenant()
    headers = await net.manager(tenant)
    network = await _ok_network(net, headers, str(tenant.uuid))
    path = f"/api/openstack-networks/{network['uuid']}/"

    member = uuid.uuid4()
    await net.grant(member, Role.PROJECT_MEMBER, tenant)
    member_headers = net.headers(member)
    assert (await net.client.get(path, headers=member_headers)).status_code == 200
    refused = await net.client.patch(path, json={"name": "x"}, headers=member_headers)
    assert refused.status_code == 403
    create = await net.client.post(
        "/api/openstack-networks/",
        json={"tenant": str(tenant.uuid), "name": "x"},
        headers=member_headers,
    )
    assert create.status_code == 403

    stranger = net.headers(uuid.uuid4())
    assert (await net.client.get(path, headers=stranger)).status_code == 404
    listed = await net.client.get(
        "/api/openstack-networks/", params={"tenant_uuid": str(tenant.uuid)}, headers=stranger
    )
    assert listed.json() == []
    unknown = await net.client.post(
        "/api/openstack-networks/", json={"tenant": str(tenant.uuid), "name": "x"}, headers=stranger
    )
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["tenant"]
    erred = await net.client.post(f"{path}set_erred/", json={}, headers=headers)
    assert erred.status_code == 403
    staff = net.staff
    assert (await net.client.post(f"{path}set_erred/", json={}, headers=staff)).status_code == 200
    assert (await net.client.get(path, headers=staff)).json()["state"] == "ERRED"
    assert (await net.client.post(f"{path}set_ok/", headers=staff)).status_code == 200
    assert (await net.client.post(f"{path}unlink/", headers=staff)).status_code == 204
    assert (await net.client.get(path, headers=staff)).status_code == 404
    assert len((await net.inventory(tenant.backend_id))["networks"]) == 1
