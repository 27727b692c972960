"""Building blocks of the tests: resources made through the API and waited for."""

from __future__ import annotations

from typing import Any

from .cloud import Net, Tenant


async def settled_post(net: Net, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """POST a new resource to `path` and wait until it settles."""
    response = await net.client.post(path, json=body, headers=headers)
    assert response.status_code == 202, response.text
    return await net.settled(f"{path}{response.json()['uuid']}/", headers)


async def routed_network(net: Net, tenant: Tenant, headers: dict[str, str]) -> dict[str, Any]:
    """A network with two subnets, both connected to a new router with a gateway."""
    network = await settled_post(
        net, "/api/openstack-networks/", {"tenant": str(tenant.uuid), "name": "app"}, headers
    )
    subnets = [
        await settled_post(
            net,
            "/api/openstack-subnets/",
            {"network": network["uuid"], "name": f"app-{n}", "cidr": f"10.{n}.0.0/24"},
            headers,
        )
        for n in (41, 42)
    ]
    router = await settled_post(
        net, "/api/openstack-routers/", {"tenant": str(tenant.uuid), "name": "edge"}, headers
    )
    path = f"/api/openstack-routers/{router['uuid']}/"
    for subnet in subnets:
        added = await net.client.post(
            f"{path}add_interface/", json={"subnet": subnet["url"]}, headers=headers
        )
        assert added.status_code == 202, added.text
        assert (await net.settled(path, headers))["state"] == "OK"
    gateway = await net.client.post(f"{path}set_gateway/", json={}, headers=headers)
    assert gateway.status_code == 202, gateway.text
    assert (await net.settled(path, headers))["state"] == "OK"
    return {"network": network, "subnets": subnets, "router": router, "path": path}
