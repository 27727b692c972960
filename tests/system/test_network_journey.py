"""Networks through the gateway with every process running against the emulator: a
tenant's network is imported when it turns OK; an owner builds a two-subnet network
with a router, gateway and static route, ports with fixed IPs, a security group whose
rule refers to another group, shares the network with a second tenant, allocates,
assigns, unassigns and releases a floating IP, and deletes it all. After each step the
emulator's inventory says what the API says. Every invalid request is a 400 naming the
field, and the cloud never hears of it (the emulator's counters)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from stackyard_common.testing.platform import RunningPlatform

from .journey import Journey, wait_for

pytestmark = pytest.mark.system


def _settled(client: httpx.Client, path: str) -> dict[str, Any] | None:
    """The resource at `path` once it is OK or ERRED; None once it is gone."""

    def probe() -> dict[str, Any] | None:
        response = client.get(path)
        if response.status_code == 404:
            return {}
        found: dict[str, Any] = response.json()
        return found if found["state"] in ("OK", "ERRED") else None

    found = wait_for(f"{path} to settle", probe, timeout=60)
    if found:
        assert found["state"] == "OK", found
    return found or None


def _made(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 202, response.text
    made = _settled(client, f"{path}{response.json()['uuid']}/")
    assert made is not None
    return made


def _acted(client: httpx.Client, path: str, action: str, body: Any = None) -> dict[str, Any]:
    response = client.post(f"{path}{action}/", json=body)
    assert response.status_code == 202, response.text
    found = _settled(client, path)
    assert found is not None
    return found


def _deleted(client: httpx.Client, path: str) -> None:
    response = client.delete(path)
    assert response.status_code == 202, response.text
    assert _settled(client, path) is None


def _network_calls(journey: Journey) -> int:
    counters = journey.emulator.get("/_emulator/counters").json()["counters"]
    return sum(n for key, n in counters.items() if key.startswith("network "))


def _tenants(journey: Journey) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """An organisation with two tenants (both ordered at once)."""
    organisation = journey.organisation("Networks")
    offering = journey.tenant_offering(organisation.uuid)
    orders = [
        journey.order(
            organisation.owner,
            {
                "offering": offering["uuid"],
                "project": organisation.project,
                "plan": offering["plans"][0]["uuid"],
                "limits": {"cores": 4, "ram": 8192, "storage": 51200},
                "attributes": {"name": name, "subnet_cidr": cidr},
            },
        )
        for name, cidr in (("netjourney", "192.168.60.0/24"), ("neighbour", "192.168.61.0/24"))
    ]
    tenants = []
    for order in orders:
        done = journey.finished_order(organisation.owner, order["uuid"], timeout=120)
        assert done["state"] == "done", done
        resource = organisation.owner.get(
            f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"
        ).json()
        tenants.append(organisation.owner.get(resource["scope"]).json())
    return organisation, tenants[0], tenants[1]


def _imported(client: httpx.Client, tenant: dict[str, Any]) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        found = client.get("/api/openstack-networks/", params={"tenant_uuid": tenant["uuid"]})
        own = [n for n in found.json() if n["tenant_uuid"] == tenant["uuid"]]
        return own[0] if found.status_code == 200 and own else None

    return wait_for("the tenant's network to be imported", probe, timeout=60)


def test_network_journey(platform: RunningPlatform) -> None:
    journey = Journey.start(platform)
    organisation, tenant, neighbour = _tenants(journey)
    owner = organisation.owner
    internal = _imported(owner, tenant)
    _imported(owner, neighbour)
    assert internal["backend_id"] == tenant["internal_network_id"]
    project = tenant["backend_id"]

    def cloud() -> dict[str, Any]:
        inventory = journey.inventory(project)
        assert inventory is not None
        return inventory

    # A network with two subnets
    network = _made(owner, "/api/openstack-networks/", {"tenant": tenant["url"], "name": "app"})
    subnets = [
        _made(
            owner,
            "/api/openstack-subnets/",
            {
                "network": network["url"],
                "name": f"app-{n}",
                "cidr": f"10.{n}.0.0/24",
                "gateway_ip": f"10.{n}.0.1",
                "allocation_pools": [{"start": f"10.{n}.0.20", "end": f"10.{n}.0.200"}],
                "dns_nameservers": ["9.9.9.9"],
            },
        )
        for n in (51, 52)
    ]
    assert {(s["id"], s["cidr"], s["gateway_ip"]) for s in cloud()["subnets"]} >= {
        (s["backend_id"], s["cidr"], s["gateway_ip"]) for s in subnets
    }

    # A router on both, with a gateway and a static route
    router = _made(owner, "/api/openstack-routers/", {"tenant": tenant["url"], "name": "edge"})
    path = f"/api/openstack-routers/{router['uuid']}/"
    for subnet in subnets:
        router = _acted(owner, path, "add_interface", {"subnet": subnet["url"]})
    router = _acted(owner, path, "set_gateway", {})
    routes = [{"destination": "172.30.0.0/16", "nexthop": "10.51.0.9"}]
    router = _acted(owner, path, "set_routes", {"routes": routes})
    in_cloud = next(r for r in cloud()["routers"] if r["id"] == router["backend_id"])
    assert (
        in_cloud["external_network_id"] == router["external_network_id"] == journey.public_network()
    )
    assert sorted(in_cloud["interfaces"]) == sorted(s["backend_id"] for s in subnets)
    assert in_cloud["routes"] == router["routes"] == routes

    # Security groups, one rule referring to the other group
    web = _made(
        owner,
        "/api/openstack-sgp/",
        {
            "tenant": tenant["url"],
            "name": "frontend",
            "rules": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "0.0.0.0/0"}],
        },
    )
    app = _made(
        owner,
        "/api/openstack-sgp/",
        {
            "tenant": tenant["url"],
            "name": "backend",
            "rules": [
                {"protocol": "tcp", "from_port": 8000, "to_port": 8001, "remote_group": web["url"]}
            ],
        },
    )
    referring = [
        rule
        for rule in cloud()["security_group_rules"]
        if rule["security_group_id"] == app["backend_id"] and rule["direction"] == "ingress"
    ]
    assert [
        (r["port_range_min"], r["port_range_max"], r["remote_group_id"]) for r in referring
    ] == [(8000, 8001, web["backend_id"])]

    # Ports with fixed IPs
    ports = [
        _made(
            owner,
            "/api/openstack-ports/",
            {
                "network": network["url"],
                "name": f"port-{n}",
                "fixed_ips": [{"subnet_id": subnets[0]["uuid"], "ip_address": f"10.51.0.{n}"}],
                "security_groups": [app["url"]],
            },
        )
        for n in (30, 31)
    ]
    cloud_ports = {p["id"]: p for p in cloud()["ports"]}
    for port in ports:
        assert cloud_ports[port["backend_id"]]["fixed_ips"] == port["fixed_ips"]
        assert cloud_ports[port["backend_id"]]["security_groups"] == [app["backend_id"]]

    # The network shared with the neighbour, seen from there
    policy = _made(
        owner,
        "/api/openstack-network-rbac-policies/",
        {"network": network["url"], "target_tenant": neighbour["url"]},
    )
    assert [(p["object_id"], p["target_project"]) for p in cloud()["rbac_policies"]] == [
        (network["backend_id"], neighbour["backend_id"])
    ]
    shared = owner.get("/api/openstack-networks/", params={"tenant_uuid": neighbour["uuid"]})
    assert network["uuid"] in [n["uuid"] for n in shared.json()]

    # A floating IP: allocated, assigned, unassigned, released
    floating = _made(owner, "/api/openstack-floating-ips/", {"tenant": tenant["url"]})
    ip_path = f"/api/openstack-floating-ips/{floating['uuid']}/"
    floating = _acted(owner, ip_path, "assign", {"port": ports[0]["url"]})
    assert [(f["floating_ip_address"], f["port_id"]) for f in cloud()["floating_ips"]] == [
        (floating["address"], ports[0]["backend_id"])
    ]
    floating = _acted(owner, ip_path, "unassign")
    assert [f["port_id"] for f in cloud()["floating_ips"]] == [None]
    assert floating["port_uuid"] is None
    _deleted(owner, ip_path)
    assert cloud()["floating_ips"] == []

    # Invalid requests: 400 on the field, and not one call to the cloud
    neighbour_group = wait_for(
        "the neighbour's default group",
        lambda: next(
            iter(
                owner.get(
                    "/api/openstack-sgp/",
                    params={"tenant_uuid": neighbour["uuid"], "name_exact": "default"},
                ).json()
            ),
            None,
        ),
    )
    before = _network_calls(journey)
    invalid: list[tuple[str, dict[str, Any], list[str]]] = [
        (
            "/api/openstack-subnets/",
            {"network": network["url"], "name": "x", "cidr": "10.51.0.128/25"},
            ["cidr"],
        ),
        (
            "/api/openstack-subnets/",
            {
                "network": network["url"],
                "name": "x",
                "cidr": "10.53.0.0/24",
                "gateway_ip": "10.99.0.1",
            },
            ["gateway_ip"],
        ),
        (
            "/api/openstack-subnets/",
            {
                "network": network["url"],
                "name": "x",
                "cidr": "10.54.0.0/24",
                "allocation_pools": [{"start": "10.55.0.1", "end": "10.55.0.9"}],
            },
            ["allocation_pools"],
        ),
        (
            "/api/openstack-ports/",
            {
                "network": network["url"],
                "name": "x",
                "fixed_ips": [{"subnet_id": subnets[0]["uuid"], "ip_address": "10.52.0.40"}],
            },
            ["fixed_ips"],
        ),
        (
            "/api/openstack-ports/",
            {
                "network": network["url"],
                "name": "x",
                "fixed_ips": [{"subnet_id": subnets[0]["uuid"], "ip_address": "10.51.0.30"}],
            },
            ["fixed_ips"],
        ),
        (
            "/api/openstack-sgp/",
            {
                "tenant": tenant["url"],
                "name": "x",
                "rules": [{"protocol": "tcp", "from_port": 100, "to_port": 10}],
            },
            ["rules", "0", "to_port"],
        ),
        (
            "/api/openstack-sgp/",
            {
                "tenant": tenant["url"],
                "name": "x",
                "rules": [
                    {
                        "protocol": "tcp",
                        "from_port": 1,
                        "to_port": 2,
                        "remote_group": neighbour_group["uuid"],
                    }
                ],
            },
            ["rules", "0", "remote_group"],
        ),
    ]
    for target, body, field in invalid:
        response = owner.post(target, json=body)
        assert response.status_code == 400, (body, response.text)
        errors = response.json()
        for part in field:
            assert list(errors) == [part], (body, errors)
            errors = errors[part]
    assert _network_calls(journey) == before

    # Everything deleted again
    _deleted(owner, f"/api/openstack-network-rbac-policies/{policy['uuid']}/")
    for port in ports:
        _deleted(owner, f"/api/openstack-ports/{port['uuid']}/")
    for group in (app, web):
        _deleted(owner, f"/api/openstack-sgp/{group['uuid']}/")
    router = _acted(owner, path, "set_routes", {"routes": []})
    for subnet in subnets:
        router = _acted(owner, path, "remove_interface", {"subnet": subnet["url"]})
    _deleted(owner, path)
    _deleted(owner, f"/api/openstack-networks/{network['uuid']}/")
    left = cloud()
    assert [n["id"] for n in left["networks"]] == [tenant["internal_network_id"]]
    assert [r["id"] for r in left["routers"]] == [tenant["router_id"]]
    assert sorted(g["name"] for g in left["security_groups"]) == [
        "default",
        "ping",
        "rdp",
        "ssh",
        "web",
    ]
    assert left["rbac_policies"] == []
    assert left["floating_ips"] == []
    assert {p["device_owner"] for p in left["ports"]} == {"network:router_interface"}
