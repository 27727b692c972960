"""Offerings: who makes and sees them, their secrets kept in identity, their states."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .conftest import Market, Scenario
from .helpers import category, secret_options, tenant_offering

PROVIDER = "/api/marketplace-provider-offerings/"


async def _marketplace_text(market: Market) -> str:
    """Every row of every marketplace table, as text."""
    async with market.market_db.session() as session:
        tables = (
            await session.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'marketplace' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ).scalars()
        dumped = []
        for table in list(tables):
            rows = await session.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608
            dumped.extend(str(tuple(row)) for row in rows)
        return "\n".join(dumped)


async def test_a_tenant_offering_keeps_its_secrets_in_identity(
    market: Market, scenario: Scenario
) -> None:
    password = "only-identity-knows-4c2d"
    offering = await tenant_offering(
        market, scenario, secret_options=secret_options(password=password)
    )
    assert "secret_options" not in offering
    assert offering["scope_uuid"] is not None
    assert offering["plugin_options"] == {"storage_mode": "fixed"}
    assert [c["type"] for c in offering["components"]] == ["cores", "ram", "storage"]
    assert password not in await _marketplace_text(market)

    url = f"{PROVIDER}{offering['uuid']}/"
    plain_view = await market.client.get(url, headers=market.headers(scenario.provider_owner))
    assert plain_view.status_code == 200
    assert password not in plain_view.text
    asked = await market.client.get(
        f"{url}?include_secrets=true", headers=market.headers(scenario.provider_owner)
    )
    assert asked.status_code == 403
    staff = market.headers(market.staff)
    shown = await market.client.get(f"{url}?include_secrets=true", headers=staff)
    assert shown.status_code == 200
    assert shown.json()["secret_options"]["password"] == password

    changed = await market.client.patch(
        url, headers=staff, json={"secret_options": {"password": "rotated-9d1e"}}
    )
    assert changed.status_code == 200, changed.text
    shown = await market.client.get(f"{url}?include_secrets=true", headers=staff)
    assert shown.json()["secret_options"]["password"] == "rotated-9d1e"
    assert shown.json()["secret_options"]["username"] == "admin"
    connection = await market.identity.get(
        f"/api/service-settings/{offering['scope_uuid']}/", headers=staff
    )
    assert connection.status_code == 200
    assert connection.json()["customer_uuid"] == str(scenario.provider.uuid)
    assert "rotated-9d1e" not in connection.text


async def test_offerings_are_made_by_staff_and_provider_owners(
    market: Market, scenario: Scenario
) -> None:
    body = {
        "name": "Owned cloud",
        "category": (await category(market))["uuid"],
        "customer": str(scenario.provider.uuid),
        "type": "OpenStack.Tenant",
        "secret_options": secret_options(),
    }
    made_by_owner = await market.client.post(
        PROVIDER, headers=market.headers(scenario.provider_owner), json=body
    )
    assert made_by_owner.status_code == 201, made_by_owner.text
    for user in (scenario.users["owner"], scenario.users["project_admin"], market.plain):
        refused = await market.client.post(PROVIDER, headers=market.headers(user), json=body)
        assert refused.status_code == 403, user.username
    assert (await market.client.post(PROVIDER, json=body)).status_code == 401


async def test_offering_input_is_checked(market: Market, scenario: Scenario) -> None:
    staff = market.headers(market.staff)
    base: dict[str, Any] = {
        "name": "Checked",
        "category": (await category(market))["uuid"],
        "customer": str(scenario.provider.uuid),
        "type": "OpenStack.Tenant",
        "secret_options": secret_options(),
    }
    cases = [
        ({"secret_options": None}, "secret_options"),
        ({"category": "00000000-0000-0000-0000-000000000000"}, "category"),
        ({"customer": "00000000-0000-0000-0000-000000000000"}, "customer"),
        ({"plans": [{"name": "P", "quotas": {"gpus": 1}}]}, "plans"),
        ({"plugin_options": {"storage_mode": "elastic"}}, "plugin_options"),
        ({"plugin_options": {"default_internal_network_mtu": 20}}, "plugin_options"),
        ({"secret_options": {**secret_options(), "token": "x"}}, "secret_options"),
        ({"type": "OpenStack.Volume"}, "secret_options"),
    ]
    for change, field in cases:
        response = await market.client.post(PROVIDER, headers=staff, json={**base, **change})
        assert response.status_code == 400, (change, response.text)
        assert field in response.json(), (change, response.json())


async def test_offering_states_move_as_the_actions_allow(
    market: Market, scenario: Scenario
) -> None:
    offering = await tenant_offering(market, scenario, activate=False)
    assert offering["state"] == "Draft"
    owner = market.headers(scenario.provider_owner)
    url = f"{PROVIDER}{offering['uuid']}"
    assert (await market.client.post(f"{url}/pause/", headers=owner)).status_code == 409
    assert (await market.client.post(f"{url}/activate/", headers=owner)).json()["state"] == "Active"
    paused = await market.client.post(
        f"{url}/pause/", headers=owner, json={"paused_reason": "maintenance"}
    )
    assert paused.json()["state"] == "Paused"
    assert paused.json()["paused_reason"] == "maintenance"
    consumer = market.headers(scenario.users["owner"])
    assert (await market.client.post(f"{url}/archive/", headers=consumer)).status_code == 404
    assert (await market.client.post(f"{url}/archive/", headers=owner)).json()[
        "state"
    ] == "Archived"
    assert (await market.client.post(f"{url}/activate/", headers=owner)).status_code == 409


async def test_the_public_catalogue_shows_active_shared_and_own_private_offerings(
    market: Market, scenario: Scenario
) -> None:
    shared = await tenant_offering(market, scenario)
    draft = await tenant_offering(market, scenario, activate=False)
    private = await tenant_offering(
        market, scenario, shared=False, project=str(scenario.project.uuid)
    )
    seen: dict[str, set[str]] = {}
    for name, user in (
        ("plain", market.plain),
        ("member", scenario.users["project_member"]),
        ("owner", scenario.users["owner"]),
        ("support", market.support),
    ):
        response = await market.client.get(
            "/api/marketplace-public-offerings/?page_size=300", headers=market.headers(user)
        )
        assert response.status_code == 200
        seen[name] = {item["uuid"] for item in response.json()}
        assert all(item["plugin_options"] is None for item in response.json())
    assert shared["uuid"] in seen["plain"]
    assert draft["uuid"] not in seen["plain"] | seen["support"]
    assert private["uuid"] not in seen["plain"]
    assert private["uuid"] in seen["member"] & seen["owner"] & seen["support"]
    in_other = await market.client.get(
        "/api/marketplace-public-offerings/?page_size=300"
        f"&project_uuid={scenario.other_project.uuid}",
        headers=market.headers(market.staff),
    )
    listed = {item["uuid"] for item in in_other.json()}
    assert private["uuid"] not in listed
    assert shared["uuid"] in listed
