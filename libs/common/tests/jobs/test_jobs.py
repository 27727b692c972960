"""Periodic jobs become unique arq cron jobs; one-off jobs are deduplicated by id and run
in the trace context of the code that enqueued them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from stackyard_common.jobs import PeriodicJob, cron_job, enqueue_once, job_id, traced_job
from stackyard_common.settings import Settings
from stackyard_common.worker import worker_settings


async def noop(ctx: dict[str, Any]) -> None:
    return None


@pytest.mark.parametrize(
    ("every", "fields"),
    [
        (timedelta(seconds=15), {"second": {0, 15, 30, 45}}),
        (timedelta(minutes=20), {"minute": {0, 20, 40}, "second": 0}),
        (timedelta(hours=6), {"hour": {0, 6, 12, 18}, "minute": 0, "second": 0}),
        (timedelta(days=1), {"hour": 0, "minute": 0, "second": 0}),
    ],
)
def test_periods_become_clock_aligned_cron_fields(every: timedelta, fields: dict[str, Any]) -> None:
    job = cron_job(PeriodicJob("tick", noop, every=every))
    assert job.unique
    assert job.name == "tick"
    for name, value in fields.items():
        assert getattr(job, name) == value


@pytest.mark.parametrize("every", [timedelta(seconds=7), timedelta(minutes=25), timedelta(0)])
def test_periods_that_cannot_align_are_refused(every: timedelta) -> None:
    with pytest.raises(ValueError, match="period"):
        PeriodicJob("bad", noop, every=every)


def test_a_periodic_job_needs_one_schedule() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        PeriodicJob("none", noop)
    job = cron_job(PeriodicJob("nightly", noop, cron={"hour": 3, "minute": 30}))
    assert (job.hour, job.minute, job.second) == (3, 30, 0)


def test_the_worker_declares_periodic_jobs_beside_its_own(platform_settings: Settings) -> None:
    declared = worker_settings(
        "compute",
        periodic_jobs=[PeriodicJob("pull-flavors", noop, every=timedelta(minutes=10))],
        settings=platform_settings,
    )
    names = [job.name for job in declared["cron_jobs"]]
    assert names == ["cron:compute:heartbeat", "cron:compute:purge-events", "pull-flavors"]
    assert all(job.unique for job in declared["cron_jobs"])


async def test_enqueue_once_deduplicates_and_carries_the_trace(
    platform_settings: Settings,
) -> None:
    seen: list[tuple[str, int]] = []

    async def resize(ctx: dict[str, Any], flavor: str) -> None:
        seen.append((flavor, trace.get_current_span().get_span_context().trace_id))

    queue = platform_settings.redis.key("queue", "jobs-test")
    redis: ArqRedis = await create_pool(
        RedisSettings.from_dsn(platform_settings.redis.url.get_secret_value())
    )
    trace_id = 0x1234567890ABCDEF1234567890ABCDEF
    span = NonRecordingSpan(SpanContext(trace_id, 0x1122334455667788, True, TraceFlags(1)))
    try:
        with trace.use_span(span):
            first = await enqueue_once(redis, "resize", "vm-1", queue_name=queue, flavor="m1")
            again = await enqueue_once(redis, "resize", "vm-1", queue_name=queue, flavor="m2")
            other = await enqueue_once(redis, "resize", "vm-2", queue_name=queue, flavor="m3")
        assert first is not None
        assert first.job_id == job_id("resize", "vm-1") == "resize:vm-1"
        assert again is None
        assert other is not None
        worker = Worker(
            functions=[traced_job(resize)],
            redis_pool=redis,
            queue_name=queue,
            burst=True,
            poll_delay=0.05,
            handle_signals=False,
        )
        await worker.main()
        await worker.close()
        assert sorted(seen) == [("m1", trace_id), ("m3", trace_id)]
    finally:
        await redis.aclose()
