"""Orders: every bad input refused before anything leaves marketplace, approvals by
role, and the hand-over event that starts the work."""

from __future__ import annotations

import uuid
from typing import Any

from .conftest import Market, Scenario
from .helpers import order_body, tenant_offering

ORDERS = "/api/marketplace-orders/"
NOWHERE = "00000000-0000-0000-0000-000000000000"


async def _requests(market: Market, order_uuid: str) -> list[dict[str, Any]]:
    return [
        event for event in await market.outbox() if event["payload"].get("order_uuid") == order_uuid
    ]


async def test_bad_orders_are_refused_with_field_errors_and_start_nothing(
    market: Market, scenario: Scenario
) -> None:
    offering = await tenant_offering(market, scenario)
    draft = await tenant_offering(market, scenario, activate=False)
    paused = await tenant_offering(market, scenario)
    await market.client.post(
        f"/api/marketplace-provider-offerings/{paused['uuid']}/pause/",
        headers=market.headers(market.staff),
    )
    other = await tenant_offering(market, scenario)
    owner = market.headers(scenario.users["owner"])
    events_before = len(await market.outbox())
    good = order_body(offering, scenario)
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"offering": NOWHERE}, {"offering": ["No such offering."]}),
        ({"offering": draft["uuid"]}, {"offering": ["No such offering."]}),
        ({"offering": paused["uuid"]}, {"offering": ["The offering is paused."]}),
        ({"project": NOWHERE}, {"project": ["No such project."]}),
        ({"plan": NOWHERE}, {"plan": ["No such plan in this offering."]}),
        ({"plan": other["plans"][0]["uuid"]}, {"plan": ["No such plan in this offering."]}),
        ({"plan": None}, {"plan": ["This field is required."]}),
        (
            {"limits": {"cores": 41, "ram": 1024}},
            {"limits": {"cores": [f"The plan {offering['plans'][0]['name']} allows at most 40."]}},
        ),
        ({"limits": {"gpus": 1}}, {"limits": {"gpus": ["The offering has no such limit."]}}),
        ({"attributes": {}}, {"attributes": {"name": ["This field is required."]}}),
    ]
    for change, expected in cases:
        response = await market.client.post(ORDERS, headers=owner, json={**good, **change})
        assert response.status_code == 400, (change, response.text)
        assert response.json() == expected, change
    for attributes, field in (
        ({"subnet_cidr": "8.8.8.0/24"}, "subnet_cidr"),
        ({"subnet_cidr": "10.1.2.0/28"}, "subnet_cidr"),
        ({"subnet_cidr": "not-a-network"}, "subnet_cidr"),
        ({"external_network_id": "no-such-network"}, "external_network_id"),
        ({"name": "  "}, "name"),
        ({"colour": "blue"}, "colour"),
    ):
        body = {**good, "attributes": {"name": "tenant", **attributes}}
        response = await market.client.post(ORDERS, headers=owner, json=body)
        assert response.status_code == 400, (attributes, response.text)
        assert list(response.json()) == ["attributes"], response.json()
        assert field in response.json()["attributes"], response.json()
    assert len(await market.outbox()) == events_before
    listed = await market.client.get(
        f"{ORDERS}?project_uuid={scenario.project.uuid}", headers=owner
    )
    assert listed.json() == []


async def test_an_owner_order_executes_at_once_and_hands_the_work_to_identity(
    market: Market, scenario: Scenario
) -> None:
    offering = await tenant_offering(market, scenario)
    owner = scenario.users["owner"]
    body = order_body(offering, scenario, limits={"cores": 12, "ram": 10240})
    body["attributes"]["subnet_cidr"] = "10.20.30.0/24"
    response = await market.client.post(ORDERS, headers=market.headers(owner), json=body)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["state"] == "executing"
    assert order["type"] == "Create"
    assert order["limits"] == {"cores": 12, "ram": 10240, "storage": 1048576}
    assert order["attributes"]["subnet_cidr"] == "10.20.30.0/24"
    assert order["project_name"] == scenario.project.name
    (event,) = await _requests(market, order["uuid"])
    assert event["type"] == "tenant.create_requested.v1"
    payload = event["payload"]
    assert payload["resource_uuid"] == order["marketplace_resource_uuid"]
    assert payload["cloud_connection_uuid"] == offering["scope_uuid"]
    assert payload["project_uuid"] == str(scenario.project.uuid)
    assert payload["customer_uuid"] == str(scenario.customer.uuid)
    assert payload["limits"] == order["limits"]
    assert payload["attributes"]["name"] == body["attributes"]["name"]
    assert payload["plugin_options"] == {"storage_mode": "fixed"}
    assert payload["actor_username"] == owner.username
    assert "secret" not in str(event)
    resource = await market.client.get(
        f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/",
        headers=market.headers(scenario.users["project_member"]),
    )
    assert resource.status_code == 200
    assert resource.json()["state"] == "Creating"
    assert resource.json()["scope"] is None


async def test_a_project_managers_order_waits_for_both_approvals(
    market: Market, scenario: Scenario
) -> None:
    offering = await tenant_offering(market, scenario)
    manager = market.headers(scenario.users["project_manager"])
    order = (
        await market.client.post(ORDERS, headers=manager, json=order_body(offering, scenario))
    ).json()
    assert order["state"] == "pending-consumer"
    assert await _requests(market, order["uuid"]) == []
    url = f"{ORDERS}{order['uuid']}"
    assert (
        await market.client.post(f"{url}/approve_by_consumer/", headers=manager)
    ).status_code == 403
    assert (
        await market.client.post(f"{url}/approve_by_provider/", headers=manager)
    ).status_code == 409
    consumer = market.headers(scenario.users["owner"])
    approved = await market.client.post(f"{url}/approve_by_consumer/", headers=consumer)
    assert approved.json()["state"] == "pending-provider"
    assert approved.json()["consumer_reviewed_by"] == scenario.users["owner"].username
    provider = market.headers(scenario.provider_owner)
    provider_view = await market.client.get(f"{url}/", headers=provider)
    assert provider_view.status_code == 200
    approved = await market.client.post(f"{url}/approve_by_provider/", headers=provider)
    assert approved.json()["state"] == "executing"
    (event,) = await _requests(market, order["uuid"])
    assert event["payload"]["actor_username"] == scenario.provider_owner.username


async def test_who_may_order_and_end_pending_orders(market: Market, scenario: Scenario) -> None:
    offering = await tenant_offering(market, scenario)
    body = order_body(offering, scenario)
    member = market.headers(scenario.users["project_member"])
    assert (await market.client.post(ORDERS, headers=member, json=body)).status_code == 403
    stranger = market.headers(market.plain)
    refused = await market.client.post(ORDERS, headers=stranger, json=body)
    assert refused.status_code == 400
    assert refused.json() == {"project": ["No such project."]}

    admin = market.headers(scenario.users["project_admin"])
    first = (await market.client.post(ORDERS, headers=admin, json=body)).json()
    assert first["state"] == "pending-consumer"
    assert (
        await market.client.get(f"{ORDERS}{first['uuid']}/", headers=stranger)
    ).status_code == 404
    canceled = await market.client.post(f"{ORDERS}{first['uuid']}/cancel/", headers=admin)
    assert canceled.json()["state"] == "canceled"
    resource = await market.client.get(
        f"/api/marketplace-resources/{first['marketplace_resource_uuid']}/", headers=admin
    )
    assert resource.json()["state"] == "Terminated"

    second = (await market.client.post(ORDERS, headers=admin, json=body)).json()
    rejected = await market.client.post(
        f"{ORDERS}{second['uuid']}/reject_by_consumer/",
        headers=market.headers(scenario.users["owner"]),
    )
    assert rejected.json()["state"] == "rejected"
    again = await market.client.post(f"{ORDERS}{second['uuid']}/cancel/", headers=admin)
    assert again.status_code == 409


async def test_a_project_marketplace_has_not_heard_of_is_asked_of_identity(
    market: Market, scenario: Scenario
) -> None:
    offering = await tenant_offering(market, scenario)
    body = order_body(offering, scenario, project=str(scenario.other_project.uuid))
    response = await market.client.post(
        ORDERS, headers=market.headers(scenario.users["owner"]), json=body
    )
    assert response.status_code == 201, response.text
    assert response.json()["project_name"] == scenario.other_project.name
    assert response.json()["customer_name"] == scenario.customer.name
    nowhere = {**body, "project": str(uuid.uuid4())}
    response = await market.client.post(ORDERS, headers=market.headers(market.staff), json=nowhere)
    assert response.json() == {"project": ["No such project."]}
