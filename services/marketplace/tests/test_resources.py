"""Resources follow identity's answers; `update_limits` and `terminate` are orders too."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_common.events import Envelope
from stackyard_marketplace.processors.completion import apply_tenant_event

from .conftest import Market, Scenario
from .helpers import order_body, tenant_offering

ORDERS = "/api/marketplace-orders/"
RESOURCES = "/api/marketplace-resources/"


async def _answer(market: Market, kind: str, **payload: Any) -> None:
    """Apply an identity answer as the marketplace worker's consumer would."""
    envelope = Envelope(type=kind, source="identity", payload=payload)
    async with market.market_db.session() as session:
        await apply_tenant_event(envelope, session)


async def _placed(market: Market, scenario: Scenario) -> dict[str, Any]:
    offering = await tenant_offering(market, scenario)
    response = await market.client.post(
        ORDERS,
        headers=market.headers(scenario.users["owner"]),
        json=order_body(offering, scenario),
    )
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def _get(market: Market, scenario: Scenario, path: str) -> dict[str, Any]:
    response = await market.client.get(path, headers=market.headers(scenario.users["owner"]))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_order_follows_the_tenant_to_the_end(market: Market, scenario: Scenario) -> None:
    order = await _placed(market, scenario)
    resource_uuid = order["marketplace_resource_uuid"]
    tenant = str(uuid.uuid4())
    common = {"marketplace_resource_uuid": resource_uuid, "tenant_uuid": tenant}
    await _answer(
        market, "tenant.state_changed.v1", state="CREATING", order_uuid=order["uuid"], **common
    )
    assert (await _get(market, scenario, f"{ORDERS}{order['uuid']}/"))["state"] == "executing"
    await _answer(
        market,
        "tenant.state_changed.v1",
        state="OK",
        order_uuid=order["uuid"],
        order_result="done",
        backend_id="keystone-project-1",
        **common,
    )
    done = await _get(market, scenario, f"{ORDERS}{order['uuid']}/")
    assert done["state"] == "done"
    assert done["completed_at"] is not None
    resource = await _get(market, scenario, f"{RESOURCES}{resource_uuid}/")
    assert resource["state"] == "OK"
    assert resource["resource_uuid"] == tenant
    assert resource["backend_id"] == "keystone-project-1"
    assert resource["scope"].endswith(f"/api/openstack-tenants/{tenant}/")
    # A late or repeated answer about the finished order changes nothing.
    await _answer(
        market, "tenant.state_changed.v1", state="ERRED", order_uuid=order["uuid"], **common
    )
    assert (await _get(market, scenario, f"{ORDERS}{order['uuid']}/"))["state"] == "done"
    assert (await _get(market, scenario, f"{RESOURCES}{resource_uuid}/"))["state"] == "OK"

    owner = market.headers(scenario.users["owner"])
    over = await market.client.post(
        f"{RESOURCES}{resource_uuid}/update_limits/", headers=owner, json={"limits": {"cores": 99}}
    )
    assert over.status_code == 400
    assert "cores" in over.json()["limits"]
    update = await market.client.post(
        f"{RESOURCES}{resource_uuid}/update_limits/", headers=owner, json={"limits": {"cores": 30}}
    )
    assert update.status_code == 200, update.text
    update_uuid = update.json()["order_uuid"]
    busy = await market.client.post(
        f"{RESOURCES}{resource_uuid}/update_limits/", headers=owner, json={"limits": {"cores": 31}}
    )
    assert busy.status_code == 409
    events = [e for e in await market.outbox() if e["payload"].get("order_uuid") == update_uuid]
    assert [e["type"] for e in events] == ["tenant.update_requested.v1"]
    assert events[0]["payload"]["tenant_uuid"] == tenant
    assert events[0]["payload"]["limits"]["cores"] == 30
    assert (await _get(market, scenario, f"{RESOURCES}{resource_uuid}/"))["state"] == "Updating"
    await _answer(
        market,
        "tenant.state_changed.v1",
        state="OK",
        order_uuid=update_uuid,
        order_result="done",
        **common,
    )
    resource = await _get(market, scenario, f"{RESOURCES}{resource_uuid}/")
    assert resource["state"] == "OK"
    assert resource["limits"]["cores"] == 30

    terminate = await market.client.post(f"{RESOURCES}{resource_uuid}/terminate/", headers=owner)
    assert terminate.status_code == 200, terminate.text
    terminate_uuid = terminate.json()["order_uuid"]
    assert (await _get(market, scenario, f"{RESOURCES}{resource_uuid}/"))["state"] == "Terminating"
    await _answer(
        market, "tenant.deleted.v1", order_uuid=terminate_uuid, order_result="done", **common
    )
    assert (await _get(market, scenario, f"{ORDERS}{terminate_uuid}/"))["state"] == "done"
    assert (await _get(market, scenario, f"{RESOURCES}{resource_uuid}/"))["state"] == "Terminated"


async def test_a_failed_tenant_errs_its_order_with_the_clouds_message(
    market: Market, scenario: Scenario
) -> None:
    order = await _placed(market, scenario)
    resource_uuid = order["marketplace_resource_uuid"]
    message = "step 'create-router' failed: QuotaExceeded: Quota exceeded for resources: router"
    await _answer(
        market,
        "tenant.state_changed.v1",
        state="ERRED",
        order_uuid=order["uuid"],
        order_result="erred",
        marketplace_resource_uuid=resource_uuid,
        tenant_uuid=str(uuid.uuid4()),
        error_message=message,
    )
    erred = await _get(market, scenario, f"{ORDERS}{order['uuid']}/")
    assert (erred["state"], erred["error_message"]) == ("erred", message)
    resource = await _get(market, scenario, f"{RESOURCES}{resource_uuid}/")
    assert (resource["state"], resource["error_message"]) == ("Erred", message)
    owner = market.headers(scenario.users["owner"])
    refused = await market.client.post(
        f"{RESOURCES}{resource_uuid}/update_limits/", headers=owner, json={"limits": {"cores": 2}}
    )
    assert refused.status_code == 409
    member = market.headers(scenario.users["project_member"])
    forbidden = await market.client.post(f"{RESOURCES}{resource_uuid}/terminate/", headers=member)
    assert forbidden.status_code == 403
    stranger = market.headers(market.plain)
    hidden = await market.client.post(f"{RESOURCES}{resource_uuid}/terminate/", headers=stranger)
    assert hidden.status_code == 404
    allowed = await market.client.post(f"{RESOURCES}{resource_uuid}/terminate/", headers=owner)
    assert allowed.status_code == 200


async def test_answers_nobody_ordered_move_an_idle_resource_only(
    market: Market, scenario: Scenario
) -> None:
    order = await _placed(market, scenario)
    resource_uuid = order["marketplace_resource_uuid"]
    common = {"marketplace_resource_uuid": resource_uuid, "tenant_uuid": str(uuid.uuid4())}
    await _answer(market, "tenant.state_changed.v1", state="ERRED", error_message="x", **common)
    assert (await _get(market, scenario, f"{RESOURCES}{resource_uuid}/"))["state"] == "Creating"
    await _answer(
        market,
        "tenant.state_changed.v1",
        state="OK",
        order_uuid=order["uuid"],
        order_result="done",
        **common,
    )
    await _answer(
        market, "tenant.state_changed.v1", state="ERRED", error_message="set by staff", **common
    )
    resource = await _get(market, scenario, f"{RESOURCES}{resource_uuid}/")
    assert (resource["state"], resource["error_message"]) == ("Erred", "set by staff")
    await _answer(market, "tenant.state_changed.v1", state="OK", **common)
    assert (await _get(market, scenario, f"{RESOURCES}{resource_uuid}/"))["state"] == "OK"
