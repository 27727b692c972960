"""`MAX_CONCURRENT_PROVISION`'s semaphore in Redis: a limit per resource type and cloud,
a holder that asks again keeps its one slot, released and expired slots are free."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from stackyard_compute.common.provisioning_slots import ProvisioningSlots
from stackyard_compute.common.settings import INSTANCE
from stackyard_compute.instances.slot_steps import WAITING

from .conftest import Cloudyard, Tenant
from .test_instance_lifecycle import instance_body


async def test_slots_count_per_type_and_cloud(cloudyard: Cloudyard) -> None:
    slots = ProvisioningSlots(cloudyard.compute_app.state.redis, f"test-slots-{uuid.uuid4()}")
    cloud, other = uuid.uuid4(), uuid.uuid4()
    taken = [
        await slots.acquire("OpenStack.Instance", cloud, f"h{i}", limit=4, lease=60)
        for i in range(6)
    ]
    assert taken == [True, True, True, True, False, False]
    assert await slots.acquire("OpenStack.Instance", cloud, "h0", limit=4, lease=60)  # renewal
    assert await slots.acquire("OpenStack.Instance", other, "h9", limit=4, lease=60)
    assert await slots.acquire("OpenStack.Volume", cloud, "h9", limit=4, lease=60)
    await slots.release("OpenStack.Instance", cloud, "h1")
    assert await slots.acquire("OpenStack.Instance", cloud, "h4", limit=4, lease=60)
    assert sorted(await slots.holders("OpenStack.Instance", cloud)) == ["h0", "h2", "h3", "h4"]


async def test_a_lapsed_lease_frees_its_slot(cloudyard: Cloudyard) -> None:
    slots = ProvisioningSlots(cloudyard.compute_app.state.redis, f"test-slots-{uuid.uuid4()}")
    cloud = uuid.uuid4()
    assert await slots.acquire("OpenStack.Instance", cloud, "crashed", limit=1, lease=0.2)
    assert not await slots.acquire("OpenStack.Instance", cloud, "next", limit=1, lease=60)
    await asyncio.sleep(0.3)
    assert await slots.acquire("OpenStack.Instance", cloud, "next", limit=1, lease=60)


async def test_many_takers_at_once_never_exceed_the_limit(cloudyard: Cloudyard) -> None:
    slots = ProvisioningSlots(cloudyard.compute_app.state.redis, f"test-slots-{uuid.uuid4()}")
    cloud = uuid.uuid4()
    taken = await asyncio.gather(
        *(slots.acquire("OpenStack.Instance", cloud, f"h{i}", limit=3, lease=60) for i in range(20))
    )
    assert sum(taken) == 3


async def test_an_instance_waits_for_a_slot_and_says_so(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    runtime = cloudyard.compute_app.state.compute_runtime
    response = await cloudyard.client.post(
        "/api/openstack-instances/", headers=tenant.owner, json=instance_body(tenant, "queued")
    )
    assert response.status_code == 202, response.text
    created = response.json()
    cloud = uuid.UUID(created["service_settings_uuid"])
    others = [f"other-{i}" for i in range(4)]
    for holder in others:
        assert await runtime.slots.acquire(INSTANCE, cloud, holder, limit=4, lease=60)
    path = f"/api/openstack-instances/{created['uuid']}/"
    seen: dict[str, Any] = {}

    async def waiting() -> bool:
        nonlocal seen
        seen = (await cloudyard.client.get(path, headers=tenant.owner)).json()
        return seen["action"] == WAITING

    await cloudyard.settle(waiting, timeout=15)
    assert seen["state"] == "CREATION_SCHEDULED"
    assert seen["progress"]["text"] == "step 1 of 12: wait-for-provisioning-slot (running)"
    assert "Waiting for a provisioning slot" in seen["action_details"]["message"]
    for holder in others:
        await runtime.slots.release(INSTANCE, cloud, holder)
    instance = await cloudyard.settled(path, tenant.owner)
    assert (instance["state"], instance["action"]) == ("OK", "")
    assert await runtime.slots.holders(INSTANCE, cloud) == []
