"""The saga runner in-process: steps in order with checkpoints, compensation in reverse,
deadlines, waiting for an event, polling, progress, and one driver per run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from stackyard_common.db import Database
from stackyard_common.events import ConsumerRunner, Envelope
from stackyard_common.sagas import (
    Poll,
    Saga,
    SagaProgress,
    SagaRunner,
    Step,
    StepContext,
    StepFailed,
    WaitForEvent,
    saga_event_consumer,
    saga_progress,
    saga_runs,
    start_saga,
)
from stackyard_common.settings import Settings

FAST = timedelta(seconds=0.05)


@asynccontextmanager
async def runners(db: Database, sagas: Sequence[Saga], count: int = 1) -> AsyncIterator[None]:
    tasks = [
        asyncio.create_task(
            # A lease long enough that a loaded machine's pauses never hand a run over.
            SagaRunner(db, sagas, lease=timedelta(seconds=15), poll_interval=0.05).run()
        )
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def start(db: Database, saga: Saga, data: Mapping[str, Any] | None = None) -> uuid.UUID:
    resource = uuid.uuid4()
    async with db.session() as session:
        await start_saga(session, saga, resource, data)
    return resource


async def finished(db: Database, resource: uuid.UUID, timeout: float = 15) -> SagaProgress:
    async with asyncio.timeout(timeout):
        while True:
            async with db.session() as session:
                progress = await saga_progress(session, resource)
            if progress is not None and progress.state not in ("running", "compensating"):
                return progress
            await asyncio.sleep(0.05)


async def row(db: Database, resource: uuid.UUID) -> Any:
    async with db.session() as session:
        query = select(saga_runs).where(saga_runs.c.resource_uuid == resource)
        return (await session.execute(query)).one()


def recorder(log: list[str], name: str, result: Mapping[str, Any] | None = None) -> Any:
    async def act(ctx: StepContext) -> Mapping[str, Any] | None:
        log.append(f"{name}:{ctx.resource_uuid}")
        return result

    return act


async def test_steps_run_in_order_and_pass_data(db: Database) -> None:
    log: list[str] = []

    async def second(ctx: StepContext) -> Mapping[str, Any]:
        log.append(f"b:{ctx.resource_uuid}")
        return {"doubled": ctx.data["n"] * 2}

    saga = Saga(
        "ordered",
        [
            Step("a", recorder(log, "a", {"from_a": 1})),
            Step("b", second),
            Step("c", recorder(log, "c")),
        ],
    )
    resource = await start(db, saga, {"n": 21})
    async with db.session() as session:
        before = await saga_progress(session, resource)
    assert before is not None
    assert (before.step, before.total, before.step_name, before.state) == (1, 3, "a", "running")
    async with runners(db, [saga]):
        progress = await finished(db, resource)
    assert progress.text == "step 3 of 3: c (succeeded)"
    assert log == [f"{name}:{resource}" for name in "abc"]
    stored = await row(db, resource)
    assert stored.data == {"n": 21, "from_a": 1, "doubled": 42}
    assert [(e["step"], e["event"]) for e in stored.step_log] == [
        (name, event) for name in "abc" for event in ("started", "completed")
    ]
    assert stored.lease_owner is None


async def test_a_failed_saga_compensates_started_steps_in_reverse(db: Database) -> None:
    log: list[str] = []
    flaky_calls: list[int] = []

    async def flaky(ctx: StepContext) -> None:
        flaky_calls.append(ctx.attempt)
        raise ConnectionError("cloud unreachable")

    async def erred(ctx: StepContext, error: str) -> None:
        log.append(f"erred:{error}")

    saga = Saga(
        "unlucky",
        [
            Step("a", recorder(log, "a"), compensate=recorder(log, "undo-a")),
            Step("b", recorder(log, "b")),
            Step("c", flaky, compensate=recorder(log, "undo-c"), max_attempts=3, retry_base=FAST),
            Step("d", recorder(log, "d"), compensate=recorder(log, "undo-d")),
        ],
        on_failure=erred,
    )
    resource = await start(db, saga)
    async with runners(db, [saga]):
        progress = await finished(db, resource)
    assert progress.state == "compensated"
    assert progress.error == ("step 'c' failed: ConnectionError: cloud unreachable (3 attempts)")
    assert flaky_calls == [1, 2, 3]
    assert [entry.split(":")[0] for entry in log] == ["a", "b", "undo-c", "undo-a", "erred"]
    assert log[-1] == f"erred:{progress.error}"


async def test_only_a_first_attempt_in_the_driver_that_started_the_step_is_fresh(
    db: Database,
) -> None:
    seen: list[tuple[str, int, bool]] = []

    async def once_flaky(ctx: StepContext) -> None:
        seen.append((ctx.step, ctx.attempt, ctx.fresh))
        if ctx.step == "b" and ctx.attempt == 1:
            raise ConnectionError("cloud unreachable")

    saga = Saga("fresh", [Step(name, once_flaky, retry_base=FAST) for name in "abc"])
    resource = await start(db, saga)
    async with runners(db, [saga]):
        assert (await finished(db, resource)).state == "succeeded"
    assert seen == [("a", 1, True), ("b", 1, True), ("b", 2, False), ("c", 1, True)]

    # A step whose start another worker recorded (it crashed) is resumed, never fresh.
    seen.clear()
    resource = await start(db, saga)
    async with db.session() as session:
        await session.execute(
            update(saga_runs)
            .where(saga_runs.c.resource_uuid == resource)
            .values(deadline=func.now() + timedelta(minutes=5))
        )
    async with runners(db, [saga]):
        assert (await finished(db, resource)).state == "succeeded"
    assert seen[0] == ("a", 1, False)


async def test_a_step_past_its_deadline_fails_the_saga(db: Database) -> None:
    log: list[str] = []

    async def hangs(ctx: StepContext) -> None:
        await asyncio.sleep(30)

    saga = Saga(
        "slow",
        [
            Step("a", recorder(log, "a"), compensate=recorder(log, "undo-a")),
            Step("hang", hangs, deadline=timedelta(seconds=0.5)),
        ],
    )
    resource = await start(db, saga)
    async with runners(db, [saga]):
        progress = await finished(db, resource)
    assert (progress.state, progress.error) == ("compensated", "step 'hang' passed its deadline")
    assert log[-1] == f"undo-a:{resource}"


async def test_step_failed_skips_retries_and_failing_compensation_ends_failed(
    db: Database,
) -> None:
    async def refuse(ctx: StepContext) -> None:
        raise StepFailed("quota exceeded")

    async def cannot_undo(ctx: StepContext) -> None:
        raise RuntimeError("still attached")

    saga = Saga(
        "stuck",
        [Step("a", recorder([], "a"), compensate=cannot_undo, retry_base=FAST), Step("b", refuse)],
        compensation_attempts=2,
    )
    resource = await start(db, saga)
    async with runners(db, [saga]):
        progress = await finished(db, resource)
    assert progress.state == "failed"
    assert progress.error == (
        "step 'b' failed: quota exceeded; compensation of 'a' failed: RuntimeError: still attached"
    )


async def test_a_step_waits_for_its_event_and_polls(
    platform_settings: Settings, db: Database
) -> None:
    polls: list[int] = []

    async def ready_on_third(ctx: StepContext) -> Mapping[str, Any] | None:
        polls.append(ctx.attempt)
        return {"ready": True} if len(polls) >= 3 else None

    saga = Saga(
        "waiting",
        [
            Step(
                "network",
                recorder([], "request"),
                wait_for_event=WaitForEvent("network.provisioned.v1", store_as="net"),
            ),
            Step("active", None, poll=Poll(ready_on_third, interval=FAST)),
        ],
    )
    resource = await start(db, saga)
    waker = saga_event_consumer([saga])
    assert waker is not None
    assert waker.routing_keys == ("network.provisioned.v1",)
    consumers = ConsumerRunner(platform_settings, db, [waker])
    async with runners(db, [saga]):
        async with asyncio.timeout(10):
            while (await row(db, resource)).phase != "awaiting":
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        assert (await row(db, resource)).state == "running"  # still waiting
        other = Envelope(
            type="network.provisioned.v1", source="network", payload={"resource_uuid": "x"}
        )
        assert await consumers.handle(waker, other)
        assert (await row(db, resource)).waiting_for == "network.provisioned.v1"
        event = Envelope(
            type="network.provisioned.v1",
            source="network",
            payload={"resource_uuid": str(resource), "network_id": "n-1"},
        )
        assert await consumers.handle(waker, event)
        assert not await consumers.handle(waker, event)  # a duplicate is skipped
        progress = await finished(db, resource)
    assert progress.state == "succeeded"
    stored = await row(db, resource)
    assert stored.data["net"]["network_id"] == "n-1"
    assert stored.data["ready"] is True
    assert len(polls) == 3


async def test_concurrent_runners_drive_each_run_once(db: Database) -> None:
    calls: dict[str, int] = {}

    async def count(ctx: StepContext) -> None:
        key = f"{ctx.run_id}:{ctx.step}"
        calls[key] = calls.get(key, 0) + 1
        await asyncio.sleep(0.01)

    saga = Saga("shared", [Step(name, count) for name in ("one", "two", "three")])
    resources = [await start(db, saga) for _ in range(12)]
    async with runners(db, [saga], count=3):
        for resource in resources:
            assert (await finished(db, resource)).state == "succeeded"
    assert len(calls) == 36
    assert set(calls.values()) == {1}
