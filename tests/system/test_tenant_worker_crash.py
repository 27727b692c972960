"""A tenant's provisioning survives its worker: the identity worker is SIGKILLed in the
middle of a saga step, a new one starts, and the saga resumes where it was and ends with
exactly the tenant a run without a crash makes."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .journey import Journey, expected_shape, tenant_shape, wait_for
from .managed_platform import REPOSITORY, ManagedPlatform, managed_platform

pytestmark = pytest.mark.system

WORKER = "identity-worker"
SLOW_STEP = "create-security-groups"


@pytest.fixture(scope="module")
def platform_of_our_own() -> Iterator[ManagedPlatform]:
    # Under the repository, as the session's platform: nginx workers must read it.
    run_dir = REPOSITORY / "var" / "test" / f"crash-{int(time.time())}"
    try:
        # A tenant's journey needs identity and the marketplace only.
        with managed_platform(run_dir, services=("identity", "marketplace")) as platform:
            yield platform
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_killed_worker_leaves_a_saga_that_the_next_one_finishes(
    platform_of_our_own: ManagedPlatform,
) -> None:
    platform = platform_of_our_own
    journey = Journey.start(platform.running)
    provider = journey.organisation("Provider")
    offering = journey.tenant_offering(provider.uuid)
    consumer = journey.organisation("Consumer")
    owner = consumer.owner
    # Each new security group takes the cloud 4 s: the step is in hand when the worker dies.
    slow = journey.emulator.post(
        "/_emulator/faults",
        json={
            "service": "network",
            "method": "POST",
            "path_regex": "/security-groups$",
            "latency_ms": 4000,
        },
    )
    assert slow.status_code == 201
    order = journey.order(
        owner,
        {
            "offering": offering["uuid"],
            "project": consumer.project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 4},
            "attributes": {"name": "survivor"},
        },
    )
    resource = f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"

    def in_slow_step() -> dict[str, Any] | None:
        scope = owner.get(resource).json()["scope"]
        tenant: dict[str, Any] | None = owner.get(scope).json() if scope else None
        progress = (tenant or {}).get("progress") or {}
        return tenant if progress.get("step_name") == SLOW_STEP else None

    tenant = wait_for("the saga to reach the slow step", in_slow_step)
    time.sleep(1)  # inside the cloud's call now
    platform.kill(WORKER)
    journey.emulator.delete("/_emulator/faults")
    held = owner.get(tenant["url"]).json()
    assert held["state"] == "CREATING"
    assert held["progress"]["text"] == f"step 5 of 9: {SLOW_STEP} (running)"

    platform.start(WORKER)  # as a supervisor would; it resumes once the dead lease lapses
    done = journey.finished_order(owner, order["uuid"], timeout=120)
    assert (done["state"], done["error_message"]) == ("done", "")
    tenant = owner.get(tenant["url"]).json()
    assert (tenant["state"], tenant["progress"]["text"]) == (
        "OK",
        "step 9 of 9: mark-ok (succeeded)",
    )
    inventory = journey.inventory(tenant["backend_id"])
    assert inventory is not None
    assert tenant_shape(inventory) == expected_shape(tenant, journey.public_network(), None)
