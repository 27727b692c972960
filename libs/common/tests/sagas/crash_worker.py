"""A compute worker whose saga has a visible "cloud effect" per step, for the crash test.

Run as a script (`python crash_worker.py`) with the test environment's variables. Each
step looks before it creates, as real steps must: the effect is a Redis key set only if
absent, and `created` counts how often a step really created something, `calls` how
often it ran. The second step, after its effect, blocks while the `hold` key exists,
so the test can kill the worker mid-saga.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from stackyard_common.sagas import Saga, Step, StepContext
from stackyard_common.settings import get_settings
from stackyard_common.worker import run_service_worker

STEPS = ("create-network", "create-server", "attach-volume")


def key(*parts: str) -> str:
    """A key of the test, under the run's Redis prefix."""
    return get_settings().redis.key("crash-test", *parts)


async def effect(ctx: StepContext) -> None:
    redis = ctx.services["redis"]
    await redis.incr(key("calls", ctx.step))
    if await redis.set(key("effect", str(ctx.run_id), ctx.step), "1", nx=True):
        await redis.incr(key("created", ctx.step))
    if ctx.step == "create-server":
        while await redis.exists(key("hold")):
            await asyncio.sleep(0.05)


CRASHY = Saga("crashy", [Step(name, effect) for name in STEPS])


if __name__ == "__main__":
    run_service_worker("compute", sagas=[CRASHY], saga_lease=timedelta(seconds=2))
