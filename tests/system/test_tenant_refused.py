"""A cloud that refuses part of a tenant: the order ends erred with the cloud's message,
the tenant ERRED, and the cloud keeps nothing of it; nothing stays in a transitional
state. And bad input is refused before anything starts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stackyard_common.testing.platform import RunningPlatform

from .journey import Journey

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def journey(platform: RunningPlatform) -> Journey:
    return Journey.start(platform)


@pytest.fixture
def no_routers(journey: Journey) -> Iterator[None]:
    """The cloud refuses every new router (409), as an exhausted quota would."""
    rule = {
        "service": "network",
        "method": "POST",
        "path_regex": "/routers$",
        "error_rate": 1.0,
        "status": 409,
    }
    assert journey.emulator.post("/_emulator/faults", json=rule).status_code == 201
    try:
        yield
    finally:
        journey.emulator.delete("/_emulator/faults")


def test_a_refused_tenant_errs_its_order_and_leaves_nothing(
    journey: Journey, no_routers: None
) -> None:
    provider = journey.organisation("Provider")
    offering = journey.tenant_offering(provider.uuid)
    consumer = journey.organisation("Consumer")
    body: dict[str, Any] = {
        "offering": offering["uuid"],
        "project": consumer.project,
        "plan": offering["plans"][0]["uuid"],
        "limits": {"cores": 2},
        "attributes": {"name": "refused"},
    }
    for change, field in (
        ({"limits": {"cores": 65}}, "limits"),
        ({"attributes": {"name": "refused", "subnet_cidr": "8.8.8.0/24"}}, "attributes"),
        ({"attributes": {"name": "refused", "external_network_id": "nowhere"}}, "attributes"),
        ({"plan": "00000000-0000-0000-0000-000000000000"}, "plan"),
    ):
        refused = journey.order_refused(consumer.owner, {**body, **change})
        assert list(refused) == [field], refused

    order = journey.order(consumer.owner, body)
    ended = journey.finished_order(consumer.owner, order["uuid"])
    assert ended["state"] == "erred"
    assert ended["error_message"].startswith("step 'create-router' failed: POST ")
    assert "status=409" in ended["error_message"]
    resource = consumer.owner.get(
        f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"
    ).json()
    assert (resource["state"], resource["error_message"]) == ("Erred", ended["error_message"])
    tenant = consumer.owner.get(resource["scope"]).json()
    assert (tenant["state"], tenant["error_message"]) == ("ERRED", ended["error_message"])
    assert tenant["progress"]["state"] == "compensated"
    assert tenant["backend_id"] == ""
    projects = journey.emulator.get("/_emulator/inventory").json()["projects"]
    prefix = f"refused-{tenant['uuid'].replace('-', '')[:8]}"
    assert [p for p in projects.values() if (p["name"] or "").startswith(prefix)] == []
    assert prefix not in journey.emulator.get("/_emulator/inventory").text
