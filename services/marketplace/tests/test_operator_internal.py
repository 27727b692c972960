"""The marketplace's internal endpoints for operators: offerings by uuid or name (an
ambiguous name refused), resources' limits read, and limits imported only for the
components the offering sells (nothing written on a dry run); service tokens only."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_common.auth import issue_service_token

from .conftest import Market, Scenario
from .helpers import order_body, tenant_offering


def _headers(market: Market) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_service_token(market.settings, 'operator')}"}


async def _resource(market: Market, scenario: Scenario) -> tuple[dict[str, Any], str]:
    offering = await tenant_offering(market, scenario)
    response = await market.client.post(
        "/api/marketplace-orders/",
        headers=market.headers(scenario.users["owner"]),
        json=order_body(offering, scenario),
    )
    assert response.status_code == 201, response.text
    return offering, str(response.json()["marketplace_resource_uuid"])


async def test_offerings_are_found_by_uuid_or_unique_name(
    market: Market, scenario: Scenario
) -> None:
    offering, _ = await _resource(market, scenario)
    for reference in (offering["uuid"], offering["name"]):
        found = await market.client.get(
            "/internal/offerings", params={"reference": reference}, headers=_headers(market)
        )
        assert found.status_code == 200, found.text
        assert (found.json()["uuid"], found.json()["type"]) == (
            offering["uuid"],
            "OpenStack.Tenant",
        )
        assert found.json()["scope_uuid"]
    unknown = await market.client.get(
        "/internal/offerings", params={"reference": "no such"}, headers=_headers(market)
    )
    assert unknown.status_code == 404
    twin = await tenant_offering(market, scenario, name=offering["name"])
    ambiguous = await market.client.get(
        "/internal/offerings", params={"reference": offering["name"]}, headers=_headers(market)
    )
    assert ambiguous.status_code == 400
    assert twin["uuid"] in str(ambiguous.json())
    user = await market.client.get(
        "/internal/offerings",
        params={"reference": offering["uuid"]},
        headers=market.headers(market.staff),
    )
    assert user.status_code == 401


async def test_limits_are_imported_for_sold_components_only(
    market: Market, scenario: Scenario
) -> None:
    _, resource = await _resource(market, scenario)
    path = f"/internal/resources/{resource}"
    before = (await market.client.get(path, headers=_headers(market))).json()["limits"]
    body = {"limits": {"cores": before["cores"] + 1, "instances": 7}, "dry_run": True}
    dry = await market.client.put(f"{path}/limits", json=body, headers=_headers(market))
    assert dry.status_code == 200, dry.text
    assert dry.json()["changed"] == {"cores": [before["cores"], before["cores"] + 1]}
    assert (await market.client.get(path, headers=_headers(market))).json()["limits"] == before

    done = await market.client.put(
        f"{path}/limits", json={**body, "dry_run": False}, headers=_headers(market)
    )
    assert done.json()["limits"] == {**before, "cores": before["cores"] + 1}
    assert "instances" not in done.json()["limits"]
    missing = await market.client.get(
        f"/internal/resources/{uuid.uuid4()}", headers=_headers(market)
    )
    assert missing.status_code == 404
