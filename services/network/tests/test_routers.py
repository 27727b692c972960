"""Routers: interfaces, gateway and static routes made by the worker, as the cloud
shows them; routes whose next hop is in no connected subnet refused before any call."""

from __future__ import annotations

from .cloud import Net
from .topology import routed_network


async def test_router_with_interfaces_gateway_and_routes(net: Net) -> None:
    tenant = await net.tenant(external_network_id=net.public_network)
    headers = await net.manager(tenant)
    made = await routed_network(net, tenant, headers)
    path = made["path"]

    before = await net.network_calls()
    refused = await net.client.post(
        f"{path}set_routes/",
        json={"routes": [{"destination": "172.20.0.0/16", "nexthop": "10.99.0.7"}]},
        headers=headers,
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["routes"]
    again = await net.client.post(
        f"{path}add_interface/", json={"subnet": made["subnets"][0]["uuid"]}, headers=headers
    )
    assert again.status_code == 400
    assert list(again.json()) == ["subnet"]
    assert await net.network_calls() == before

    routes = [{"destination": "172.20.0.0/16", "nexthop": "10.41.0.7"}]
    assert (
        await net.client.post(f"{path}set_routes/", json={"routes": routes}, headers=headers)
    ).status_code == 202
    router = await net.settled(path, headers)
    assert router["state"] == "OK"
    assert router["routes"] == routes
    assert router["external_network_id"] == net.public_network
    subnet_ids = sorted(subnet["backend_id"] for subnet in made["subnets"])
    assert sorted(item["subnet_id"] for item in router["fixed_ips"]) == subnet_ids

    cloud = (await net.inventory(tenant.backend_id))["routers"]
    assert [
        (r["id"], r["external_network_id"], sorted(r["interfaces"]), r["routes"]) for r in cloud
    ] == [(router["backend_id"], net.public_network, subnet_ids, routes)]
    connected = await net.client.get(
        f"/api/openstack-subnets/{made['subnets'][0]['uuid']}/", headers=headers
    )
    assert connected.json()["is_connected"] is True

    busy = await net.client.delete(path, headers=headers)
    assert busy.status_code == 409
    needed = await net.client.post(
        f"{path}remove_interface/", json={"subnet": made["subnets"][0]["uuid"]}, headers=headers
    )
    assert needed.status_code == 400
    assert list(needed.json()) == ["subnet"]
    cleared = await net.client.post(f"{path}set_routes/", json={"routes": []}, headers=headers)
    assert cleared.status_code == 202
    assert (await net.settled(path, headers))["routes"] == []
    for subnet in made["subnets"]:
        removed = await net.client.post(
            f"{path}remove_interface/", json={"subnet": subnet["uuid"]}, headers=headers
        )
        assert removed.status_code == 202, removed.text
        assert (await net.settled(path, headers))["state"] == "OK"
    assert (await net.client.delete(path, headers=headers)).status_code == 202
    assert await net.settled(path, headers) is None
    assert (await net.inventory(tenant.backend_id))["routers"] == []
