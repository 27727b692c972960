"""A tenant that turns OK gets private instance and volume offerings for its project,
shaped by the storage mode; they follow the cloud's volume types and go with the tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from stackyard_common.events import Envelope
from stackyard_marketplace.processors.completion import apply_tenant_event
from stackyard_marketplace.settings import marketplace_settings

from .conftest import Market, Scenario
from .helpers import order_body, tenant_offering

PUBLIC = "/api/marketplace-public-offerings/"


async def _answer(market: Market, kind: str, **payload: Any) -> None:
    async with market.market_db.session() as session:
        await apply_tenant_event(Envelope(type=kind, source="identity", payload=payload), session)


async def _provisioned(
    market: Market, scenario: Scenario, mode: str, volume_types: list[str]
) -> tuple[dict[str, Any], str]:
    offering = await tenant_offering(
        market, scenario, plans=[], plugin_options={"storage_mode": mode}
    )
    limits = {"cores": 4} if mode == "dynamic" else {"cores": 4, "storage": 10240}
    order = (
        await market.client.post(
            "/api/marketplace-orders/",
            headers=market.headers(scenario.users["owner"]),
            json=order_body(offering, scenario, plan=None, limits=limits),
        )
    ).json()
    tenant = str(uuid.uuid4())
    await _answer(
        market,
        "tenant.state_changed.v1",
        state="OK",
        order_uuid=order["uuid"],
        order_result="done",
        marketplace_resource_uuid=order["marketplace_resource_uuid"],
        tenant_uuid=tenant,
        volume_types=volume_types,
    )
    return order, tenant


async def _private(
    market: Market, scenario: Scenario, tenant: str, who: str = "project_member"
) -> list[dict[str, Any]]:
    user = scenario.users.get(who, market.plain)
    response = await market.client.get(
        f"{PUBLIC}?scope_uuid={tenant}", headers=market.headers(user)
    )
    found: list[dict[str, Any]] = sorted(response.json(), key=lambda o: o["type"])
    return found


@pytest.fixture
def no_private_offerings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STACKYARD_MARKETPLACE__AUTOMATICALLY_CREATE_PRIVATE_OFFERING", "false")
    marketplace_settings.cache_clear()
    yield
    monkeypatch.undo()
    marketplace_settings.cache_clear()


async def test_a_tenant_gets_private_offerings_for_its_project(
    market: Market, scenario: Scenario
) -> None:
    order, tenant = await _provisioned(market, scenario, "fixed", ["ssd", "hdd"])
    instance, volume = await _private(market, scenario, tenant)
    assert (instance["type"], volume["type"]) == ("OpenStack.Instance", "OpenStack.Volume")
    for offering in (instance, volume):
        assert offering["state"] == "Active"
        assert offering["shared"] is False
        assert offering["project_uuid"] == str(scenario.project.uuid)
        assert offering["customer_uuid"] == str(scenario.customer.uuid)
        assert offering["parent_uuid"] == order["offering_uuid"]
    assert [c["type"] for c in instance["components"]] == ["cores", "ram", "storage"]
    assert [c["type"] for c in volume["components"]] == ["storage"]
    assert instance["category_title"] == "Virtual machines"
    assert volume["category_title"] == "Volumes"
    assert await _private(market, scenario, tenant, who="plain") == []

    await _answer(
        market,
        "tenant.deleted.v1",
        marketplace_resource_uuid=order["marketplace_resource_uuid"],
        tenant_uuid=tenant,
    )
    assert await _private(market, scenario, tenant) == []


async def test_dynamic_mode_offerings_have_a_component_per_volume_type(
    market: Market, scenario: Scenario
) -> None:
    order, tenant = await _provisioned(market, scenario, "dynamic", ["ssd", "__DEFAULT__"])
    instance, volume = await _private(market, scenario, tenant)
    assert [c["type"] for c in volume["components"]] == [
        "volume_type___default__",
        "volume_type_ssd",
    ]
    assert [c["type"] for c in instance["components"]][:2] == ["cores", "ram"]
    await _answer(
        market,
        "tenant.properties_pulled.v1",
        marketplace_resource_uuid=order["marketplace_resource_uuid"],
        tenant_uuid=tenant,
        volume_types=[{"name": "ssd"}, {"name": "nvme"}],
    )
    instance, volume = await _private(market, scenario, tenant)
    assert "volume_type_nvme" in [c["type"] for c in volume["components"]]
    parent = await market.client.get(
        f"/api/marketplace-provider-offerings/{order['offering_uuid']}/",
        headers=market.headers(market.staff),
    )
    limits = {c["type"]: c["billing_type"] for c in parent.json()["components"]}
    assert limits["volume_type_nvme"] == "limit"
    assert "storage" not in limits


async def test_no_private_offerings_when_the_setting_is_off(
    market: Market, scenario: Scenario, no_private_offerings: None
) -> None:
    _, tenant = await _provisioned(market, scenario, "fixed", [])
    assert await _private(market, scenario, tenant) == []
