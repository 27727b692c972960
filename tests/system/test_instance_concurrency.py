"""MAX_CONCURRENT_PROVISION (4, the default) through the gateway: ten instances ordered
at once on a tenant's private `OpenStack.Instance` offering; no more than four are ever
being created at a time, the others show that they wait, and all ten end OK."""

from __future__ import annotations

import time
from typing import Any

import pytest

from stackyard_common.testing.platform import RunningPlatform

from .instances import INSTANCES, provisioned_tenant
from .journey import Journey, wait_for

pytestmark = pytest.mark.system

LIMIT = 4
# The steps between taking a slot and giving it back (2 mark-creating .. 10
# create-floating-ips): an instance there is being created.
CREATING_STEPS = range(2, 11)


def _creating(instance: dict[str, Any]) -> bool:
    progress = instance.get("progress") or {}
    return (
        progress.get("saga") == "provision-instance"
        and progress.get("state") == "running"
        and progress.get("step") in CREATING_STEPS
    )


def test_ten_ordered_at_once_are_created_four_at_a_time(platform: RunningPlatform) -> None:
    journey = Journey.start(platform)
    tenant = provisioned_tenant(journey, "Crowd", "192.168.92.0/24")
    owner = tenant.owner
    offering = next(
        o
        for o in owner.get(f"/api/marketplace-public-offerings/?scope_uuid={tenant.uuid}").json()
        if o["type"] == "OpenStack.Instance"
    )
    attributes = tenant.instance_body("crowd")
    del attributes["tenant"]
    orders = []
    for index in range(10):
        order = journey.order(
            owner,
            {
                "offering": offering["uuid"],
                "project": tenant.project,
                "attributes": {**attributes, "name": f"crowd-{index}"},
            },
        )
        orders.append(order["uuid"])

    most, waited, listing = 0, set(), f"{INSTANCES}?tenant_uuid={tenant.uuid}&page_size=50"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        instances = owner.get(listing).json()
        most = max(most, sum(1 for instance in instances if _creating(instance)))
        waited |= {i["uuid"] for i in instances if i["action"].startswith("waiting for a")}
        if len(instances) == 10 and all(i["state"] in ("OK", "ERRED") for i in instances):
            break
        time.sleep(0.1)
    instances = owner.get(listing).json()
    assert sorted((i["name"], i["state"], i["error_message"]) for i in instances) == [
        (f"crowd-{index}", "OK", "") for index in range(10)
    ]
    assert 2 <= most <= LIMIT, most
    assert len(waited) >= 10 - LIMIT  # the rest waited their turn, and said so
    for order in orders:
        assert journey.finished_order(owner, order)["state"] == "done"

    def all_running() -> bool | None:
        inventory = journey.inventory(tenant.tenant["backend_id"]) or {}
        servers = [s for s in inventory.get("servers", []) if s["status"] == "ACTIVE"]
        return True if len(servers) == 10 else None

    wait_for("ten ACTIVE servers in the cloud", all_running)
    tenant.in_step()
