"""The first whole journey, through the gateway with every process running against the
emulator: staff offers the cloud, an organisation owner orders a tenant, the cloud holds
exactly what a tenant is made of; new limits reach the cloud's quotas; termination
leaves the cloud with nothing of the tenant. Then the same with a flaky, slow cloud."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stackyard_common.testing.platform import RunningPlatform

from .journey import Journey, expected_shape, tenant_shape, wait_for

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def journey(platform: RunningPlatform) -> Journey:
    return Journey.start(platform)


@pytest.fixture
def flaky_cloud(journey: Journey) -> Iterator[None]:
    """20% of Neutron's calls answer 503, and every call takes 200 ms longer."""
    rules = [
        {"service": "network", "error_rate": 0.2, "status": 503},
        {"latency_ms": 200},
    ]
    assert journey.emulator.post("/_emulator/faults", json={"faults": rules}).status_code == 201
    try:
        yield
    finally:
        journey.emulator.delete("/_emulator/faults")


def _lifecycle(journey: Journey, name: str) -> None:
    provider = journey.organisation("Provider")
    offering = journey.tenant_offering(provider.uuid, default_internal_network_mtu=1450)
    assert "secret_options" not in offering
    consumer = journey.organisation("Consumer")
    owner = consumer.owner
    order = journey.order(
        owner,
        {
            "offering": offering["uuid"],
            "project": consumer.project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 16, "ram": 32768, "storage": 512000},
            "attributes": {"name": name, "subnet_cidr": "192.168.77.0/24"},
        },
    )
    assert order["state"] == "executing"
    done = journey.finished_order(owner, order["uuid"])
    assert (done["state"], done["error_message"]) == ("done", "")

    resource_url = f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"
    resource = owner.get(resource_url).json()
    assert resource["state"] == "OK"
    tenant: dict[str, Any] = owner.get(resource["scope"]).json()
    assert (tenant["state"], tenant["error_message"]) == ("OK", "")
    assert tenant["progress"]["text"] == "step 9 of 9: mark-ok (succeeded)"
    assert tenant["user_password"] is None  # TENANT_CREDENTIALS_VISIBLE is off
    assert tenant["user_username"].startswith(f"{name}-")
    inventory = journey.inventory(tenant["backend_id"])
    assert inventory is not None
    assert tenant_shape(inventory) == expected_shape(tenant, journey.public_network(), 1450)
    quotas = inventory["quotas"]
    assert (quotas["compute"]["cores"], quotas["compute"]["ram"]) == (16, 32768)
    assert quotas["volume"]["gigabytes"] == 500
    assert quotas["network"]["floatingip"] == 50
    assert {q["name"]: q["limit"] for q in tenant["quotas"]}["vcpu"] == 16
    private = owner.get(f"/api/marketplace-public-offerings/?scope_uuid={tenant['uuid']}").json()
    assert sorted(o["type"] for o in private) == ["OpenStack.Instance", "OpenStack.Volume"]
    assert {o["project_uuid"] for o in private} == {consumer.project}

    changed = owner.post(
        f"{resource_url}update_limits/", json={"limits": {"cores": 24, "ram": 65536}}
    )
    assert changed.status_code == 200, changed.text
    update = journey.finished_order(owner, changed.json()["order_uuid"])
    assert update["state"] == "done", update["error_message"]
    quotas = journey.inventory(tenant["backend_id"])["quotas"]  # type: ignore[index]
    assert (quotas["compute"]["cores"], quotas["compute"]["ram"]) == (24, 65536)
    assert owner.get(resource_url).json()["limits"]["cores"] == 24

    ended = owner.post(f"{resource_url}terminate/")
    assert ended.status_code == 200, ended.text
    termination = journey.finished_order(owner, ended.json()["order_uuid"])
    assert termination["state"] == "done", termination["error_message"]
    assert owner.get(resource_url).json()["state"] == "Terminated"
    left = owner.get(f"/api/marketplace-public-offerings/?scope_uuid={tenant['uuid']}").json()
    assert left == []  # the private offerings are archived
    assert journey.inventory(tenant["backend_id"]) is None
    assert tenant["user_username"] not in journey.emulator.get("/_emulator/inventory").text
    wait_for(
        "the tenant's record to go",
        lambda: True if owner.get(resource["scope"]).status_code == 404 else None,
    )


def test_an_owner_orders_a_tenant_changes_its_limits_and_terminates_it(
    journey: Journey,
) -> None:
    _lifecycle(journey, "journey")


def test_the_same_journey_on_a_flaky_slow_cloud(journey: Journey, flaky_cloud: None) -> None:
    _lifecycle(journey, "flaky")
    # The cloud did refuse: the platform's client logged Neutron's 503s, and lived.
    refused = [
        line
        for line in journey.platform.logs().splitlines()
        if '"openstack.call"' in line and '"status": 503' in line and '"network"' in line
    ]
    assert refused
