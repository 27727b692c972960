"""Requests the marketplace tests make again and again."""

from __future__ import annotations

import uuid
from typing import Any

from .conftest import CLOUD_URL, Market, Scenario

ADMIN_PASSWORD = "secret"  # the emulator's seeded admin password


def secret_options(**overrides: Any) -> dict[str, Any]:
    """Secret options pointing at the in-process emulator."""
    return {
        "backend_url": f"{CLOUD_URL}/identity/v3",
        "username": "admin",
        "password": ADMIN_PASSWORD,
        "tenant_name": "admin",
        "domain": "Default",
        **overrides,
    }


async def category(market: Market, title: str | None = None) -> dict[str, Any]:
    response = await market.client.post(
        "/api/marketplace-categories/",
        headers=market.headers(market.staff),
        json={"title": title or f"Clouds {uuid.uuid4().hex[:6]}"},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def tenant_offering(
    market: Market,
    scenario: Scenario,
    *,
    activate: bool = True,
    plans: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An `OpenStack.Tenant` offering of the scenario's provider, made by staff."""
    body = {
        "name": f"Cloud {uuid.uuid4().hex[:6]}",
        "category": (await category(market))["uuid"],
        "customer": str(scenario.provider.uuid),
        "type": "OpenStack.Tenant",
        "secret_options": secret_options(),
        "plans": plans if plans is not None else [{"name": "Small", "quotas": {"cores": 40}}],
        **fields,
    }
    staff = market.headers(market.staff)
    response = await market.client.post(
        "/api/marketplace-provider-offerings/", headers=staff, json=body
    )
    assert response.status_code == 201, response.text
    offering: dict[str, Any] = response.json()
    if activate:
        activated = await market.client.post(
            f"/api/marketplace-provider-offerings/{offering['uuid']}/activate/", headers=staff
        )
        assert activated.status_code == 200, activated.text
        offering = activated.json()
    return offering


def order_body(offering: dict[str, Any], scenario: Scenario, **fields: Any) -> dict[str, Any]:
    """An order for a tenant in the scenario's project, under the offering's first plan."""
    body = {
        "offering": offering["uuid"],
        "project": str(scenario.project.uuid),
        "plan": offering["plans"][0]["uuid"] if offering["plans"] else None,
        "limits": {"cores": 10, "ram": 20480, "storage": 102400},
        "attributes": {"name": f"tenant-{uuid.uuid4().hex[:6]}"},
    }
    body.update(fields)
    return body
