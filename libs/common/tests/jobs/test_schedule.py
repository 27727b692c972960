"""Periods overridden by `STACKYARD_SCHEDULE`, refused when they cannot be aligned (the
error names the job), periodic jobs run once, now, by enqueueing their name, and every
service's worker keeps its own heartbeat."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker
from pydantic import ValidationError

from stackyard_common.jobs import PeriodicJob, cron_job, scheduled
from stackyard_common.periods import describe_period
from stackyard_common.settings import Settings
from stackyard_common.worker import heartbeat_key, worker_settings


async def count(ctx: dict[str, Any], step: int = 1) -> dict[str, Any]:
    return {"counted": step, "queue": ctx.get("job_id", "")}


PULL = PeriodicJob("pull-things", count, every=timedelta(hours=12))
NIGHTLY = PeriodicJob("nightly-things", count, cron={"hour": 3, "minute": 30})


def _declared(settings: Settings, *jobs: PeriodicJob) -> dict[str, Any]:
    declared = worker_settings("compute", periodic_jobs=jobs, settings=settings)
    return {job.name: job for job in declared["cron_jobs"]}


def test_a_schedule_override_changes_the_cron(platform_settings: Settings) -> None:
    assert _declared(platform_settings, PULL)["pull-things"].hour == {0, 12}
    overridden = platform_settings.model_copy(
        update={"schedule": {"pull-things": 600, "nightly-things": 7200, "elsewhere": 60}}
    )
    jobs = _declared(overridden, PULL, NIGHTLY)
    pull, nightly = jobs["pull-things"], jobs["nightly-things"]
    assert (pull.hour, pull.minute, pull.second) == (None, {0, 10, 20, 30, 40, 50}, 0)
    assert (nightly.hour, nightly.minute) == (set(range(0, 24, 2)), 0)
    assert pull.unique
    assert nightly.unique


def test_the_environment_gives_the_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKYARD_SCHEDULE", '{"pull-tenant-quotas": 3600, "pull-volumes": 900}')
    assert Settings().schedule == {"pull-tenant-quotas": 3600, "pull-volumes": 900}


def test_a_period_that_cannot_be_aligned_is_refused_naming_the_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STACKYARD_SCHEDULE", '{"pull-tenant-quotas": 3600, "pull-volumes": 1000}')
    with pytest.raises(ValidationError, match=r"'pull-volumes'.*does not divide"):
        Settings()
    with pytest.raises(ValueError, match=r"'pull-things'.*does not divide"):
        scheduled(PULL, {"pull-things": 7 * 3600})
    with pytest.raises(ValueError, match=r"'pull-things'.*positive"):
        scheduled(PULL, {"pull-things": 0})


def test_jobs_say_when_they_run() -> None:
    assert PULL.period == "every 12h"
    assert NIGHTLY.period == "cron hour=3 minute=30"
    assert scheduled(NIGHTLY, {"nightly-things": 86400}).period == "every 1d"
    assert [describe_period(timedelta(seconds=s)) for s in (15, 600, 90, 7200)] == [
        "15s",
        "10min",
        "90s",
        "2h",
    ]


def test_two_jobs_of_one_name_are_refused(platform_settings: Settings) -> None:
    with pytest.raises(ValueError, match="share a name"):
        worker_settings("compute", periodic_jobs=[PULL, PULL], settings=platform_settings)


async def test_a_periodic_job_runs_now_when_its_name_is_enqueued(
    platform_settings: Settings,
) -> None:
    queue = platform_settings.redis.key("queue", f"schedule-test-{uuid.uuid4().hex[:6]}")
    redis: ArqRedis = await create_pool(
        RedisSettings.from_dsn(platform_settings.redis.url.get_secret_value())
    )
    try:
        job = await redis.enqueue_job(
            "pull-things", _job_id=f"pull-things:now:{uuid.uuid4()}", _queue_name=queue, step=3
        )
        assert job is not None
        worker = Worker(
            cron_jobs=[cron_job(PULL)],
            redis_pool=redis,
            queue_name=queue,
            burst=True,
            poll_delay=0.05,
            handle_signals=False,
        )
        await worker.main()
        await worker.close()
        assert await job.result(timeout=5) == {"counted": 3, "queue": job.job_id}
    finally:
        await redis.aclose()


async def test_every_services_worker_beats_in_the_same_tick(platform_settings: Settings) -> None:
    # The services' workers share one Redis, where a unique cron job's id is its name
    # and tick: each service's heartbeat must be a job of its own, or one worker would
    # beat for all and the others would look dead.
    redis: ArqRedis = await create_pool(
        RedisSettings.from_dsn(platform_settings.redis.url.get_secret_value())
    )
    services = [f"beat-{name}-{uuid.uuid4().hex[:6]}" for name in ("alpha", "beta")]
    tick = datetime.now(UTC).replace(microsecond=0)
    try:
        workers = []
        for service in services:
            declared = worker_settings(service, settings=platform_settings)
            beat = next(job for job in declared["cron_jobs"] if job.name.endswith("heartbeat"))
            worker = Worker(
                cron_jobs=[beat],
                redis_pool=redis,
                queue_name=declared["queue_name"],
                burst=True,
                poll_delay=0.05,
                handle_signals=False,
                ctx={"settings": platform_settings, "service": service},
            )
            await worker.run_cron(tick, delay=0.5)  # both workers see the same tick
            assert await redis.zcard(declared["queue_name"]) == 1, f"{service} has no beat"
            workers.append(worker)
        for worker in workers:
            await worker.main()
            await worker.close()
        for service in services:
            assert await redis.get(heartbeat_key(platform_settings, service)) is not None
    finally:
        await redis.aclose()
