"""Orders on a tenant's private `OpenStack.Instance` and `OpenStack.Volume` offerings:
checked by compute or storage (their internal APIs, mocked here) before they are
accepted, handed over by event, and ended by the owning service's answers."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import respx
from sqlalchemy import text

from stackyard_common.events import Envelope
from stackyard_marketplace.processors.resource_answers import apply_resource_event

from .conftest import Market, Scenario
from .test_private_offerings import _private, _provisioned


async def _requests(market: Market, kind: str) -> list[dict[str, Any]]:
    async with market.market_db.session() as session:
        rows = await session.execute(
            text("SELECT body FROM outbox WHERE type = :t ORDER BY created"), {"t": kind}
        )
        return [row.body for row in rows]


async def _order(
    market: Market, scenario: Scenario, offering: dict[str, Any], attributes: dict[str, Any]
) -> httpx.Response:
    return await market.client.post(
        "/api/marketplace-orders/",
        headers=market.headers(scenario.users["owner"]),
        json={
            "offering": offering["uuid"],
            "project": str(scenario.project.uuid),
            "attributes": attributes,
        },
    )


async def test_an_instance_order_is_checked_handed_over_and_ended(
    market: Market, scenario: Scenario
) -> None:
    _, tenant = await _provisioned(market, scenario, "fixed", ["ssd"])
    instance_offering, _ = await _private(market, scenario, tenant)
    compute = market.settings.ports.service_url("compute")
    attributes = {"name": "web", "flavor": "m1.small", "image": "cirros", "ports": [{}]}
    with respx.mock(assert_all_called=True) as cloud:
        check = cloud.post(f"{compute}/internal/instances/validate")
        check.respond(400, json={"attributes": {"flavor": ["No such flavor in the tenant."]}})
        refused = await _order(market, scenario, instance_offering, attributes)
        check.respond(200, json={"attributes": {**attributes, "system_volume_size": 1024}})
        placed = await _order(market, scenario, instance_offering, attributes)
    assert refused.status_code == 400
    assert refused.json() == {"attributes": {"flavor": ["No such flavor in the tenant."]}}
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["state"] == "executing"
    request = (await _requests(market, "instance.create_requested.v1"))[-1]["payload"]
    assert (request["tenant_uuid"], request["order_uuid"]) == (tenant, order["uuid"])
    assert request["attributes"]["system_volume_size"] == 1024
    assert check.calls.last.request.read()  # compute was asked about this very order

    instance = str(uuid.uuid4())
    async with market.market_db.session() as session:
        await apply_resource_event(
            Envelope(
                type="instance.state_changed.v1",
                source="compute",
                payload={
                    "order_uuid": order["uuid"],
                    "order_result": "done",
                    "marketplace_resource_uuid": order["marketplace_resource_uuid"],
                    "instance_uuid": instance,
                    "backend_id": "server-1",
                    "state": "OK",
                },
            ),
            session,
        )
    owner = market.headers(scenario.users["owner"])
    ended = await market.client.get(f"/api/marketplace-orders/{order['uuid']}/", headers=owner)
    assert ended.json()["state"] == "done"
    resource = await market.client.get(
        f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/", headers=owner
    )
    assert resource.json()["state"] == "OK"
    assert resource.json()["scope"].endswith(f"/api/openstack-instances/{instance}/")


async def test_a_volume_order_names_storages_errors_under_attributes(
    market: Market, scenario: Scenario
) -> None:
    _, tenant = await _provisioned(market, scenario, "fixed", ["ssd"])
    _, volume_offering = await _private(market, scenario, tenant)
    storage = market.settings.ports.service_url("storage")
    with respx.mock(assert_all_called=True) as cloud:
        cloud.post(f"{storage}/internal/volumes/validate").respond(
            400, json={"size": ["The tenant's quota 'storage' (gigabytes) would be exceeded."]}
        )
        refused = await _order(market, scenario, volume_offering, {"name": "data", "size": 9999})
    assert refused.status_code == 400
    assert refused.json() == {
        "attributes": {"size": ["The tenant's quota 'storage' (gigabytes) would be exceeded."]}
    }
    assert not [
        r
        for r in await _requests(market, "volume.create_requested.v1")
        if r["payload"]["tenant_uuid"] == tenant
    ]
