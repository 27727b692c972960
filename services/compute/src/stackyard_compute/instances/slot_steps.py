"""`MAX_CONCURRENT_PROVISION` in the provisioning saga: its first step waits for a slot
of the instance's cloud (saying so on the instance while it waits), a later one gives it
back, and a failed run gives it back too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackyard_common.sagas import StepContext
from stackyard_compute.common.settings import INSTANCE
from stackyard_compute.instances.context import InstanceStep, load

__all__ = ["WAITING", "free_slot", "release_slot", "renew_slot", "take_slot"]

WAITING = "waiting for a provisioning slot"


async def _acquire(step: InstanceStep) -> bool:
    runtime = step.runtime
    return await runtime.slots.acquire(
        INSTANCE,
        step.record.service_settings_uuid,
        str(step.record.uuid),
        limit=runtime.compute.provision_limit(INSTANCE),
        lease=runtime.compute.provision_slot_lease,
    )


async def take_slot(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done once the instance holds a slot; until then it shows that it waits."""
    step = await load(ctx)
    if await _acquire(step):
        if step.record.action == WAITING:
            await step.save(action="", action_details={})
        return {"slot": True}
    if step.record.action != WAITING:
        limit = step.runtime.compute.provision_limit(INSTANCE)
        await step.save(
            action=WAITING,
            action_details={
                "message": f"Waiting for a provisioning slot: the cloud runs {limit} "
                "instance creations at a time.",
            },
        )
    return None


async def renew_slot(step: InstanceStep) -> None:
    """Keep the slot's lease alive while the instance is provisioned."""
    await _acquire(step)


async def free_slot(step: InstanceStep) -> None:
    """Give the instance's slot back (nothing happens when it holds none)."""
    await step.runtime.slots.release(
        INSTANCE, step.record.service_settings_uuid, str(step.record.uuid)
    )


async def release_slot(ctx: StepContext) -> None:
    """A step (and a compensation): give the slot back."""
    await free_slot(await load(ctx))
