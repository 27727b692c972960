"""Running one periodic task now: checked that its service's worker is alive (its
heartbeat), enqueued into that worker's arq queue under a fresh job id, and, if asked,
waited for until the worker has run it; its summary is then read back.

The worker runs the job exactly as it runs the scheduled one (arq keeps periodic jobs in
its function table by name). Waiting never stops the job: a caller that gives up (its
timeout, Ctrl-C) leaves it running in the worker.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis, create_pool
from arq.connections import RedisSettings as ArqRedisSettings
from arq.jobs import Job, JobStatus
from redis.exceptions import RedisError

from stackyard_cli.tasks.catalogue import Task
from stackyard_common.events.envelope import current_trace_context
from stackyard_common.jobs import TRACE_KWARG
from stackyard_common.settings import Settings
from stackyard_common.worker import heartbeat_key, queue_name

__all__ = [
    "HEARTBEAT_STALE",
    "Outcome",
    "TaskError",
    "TaskTimeout",
    "run_task",
    "worker_heartbeat",
]

HEARTBEAT_STALE = timedelta(minutes=3)  # the heartbeat beats every minute
POLL_EVERY = 0.25
RECHECK_WORKER_EVERY = 60.0

Progress = Callable[[str, float], None]
"""Told the job's status (`queued`, `in_progress`, ...) and the seconds since it was
enqueued, after every look at it."""


class TaskError(Exception):
    """A task could not be run, or ended badly; the message says why, for people."""


class TaskTimeout(TaskError):
    """The task did not end while the caller waited (it goes on in the worker)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A job enqueued (`result` None when not waited for) or ended: its id, whether it
    succeeded, what it returned (or the error it raised) and how long it took."""

    job_id: str
    waited: bool
    success: bool = True
    result: Any = None
    seconds: float = 0.0


async def worker_heartbeat(redis: ArqRedis, settings: Settings, service: str) -> float | None:
    """Seconds since `service`'s worker last said it was alive, or None when it has not
    for the last ten minutes (its heartbeat key expired)."""
    value = await redis.get(heartbeat_key(settings, service))
    if value is None:
        return None
    return max(0.0, time.time() - float(value))


async def _check_alive(redis: ArqRedis, settings: Settings, service: str) -> None:
    age = await worker_heartbeat(redis, settings, service)
    start = f"start it (make run, or stackyard-{service}-worker)"
    if age is None:
        raise TaskError(
            f"the {service} worker is not running: no heartbeat in the last 10 minutes; {start}"
        )
    if age > HEARTBEAT_STALE.total_seconds():
        raise TaskError(
            f"the {service} worker is not running: its last heartbeat was {age:.0f} s ago; {start}"
        )


async def _wait(
    job: Job, timeout: float, progress: Progress, alive: Callable[[], Awaitable[None]]
) -> Outcome:
    started = checked = time.monotonic()
    while True:
        status: JobStatus = await job.status()
        elapsed = time.monotonic() - started
        progress(status.value, elapsed)
        if status is JobStatus.complete:
            break
        if status is JobStatus.not_found:
            raise TaskError(f"job {job.job_id} vanished from the queue before it ended")
        if time.monotonic() - checked >= RECHECK_WORKER_EVERY:
            # A worker that died mid-job leaves it "in progress" until arq's own timeout.
            await alive()
            checked = time.monotonic()
        if elapsed >= timeout:
            raise TaskTimeout(
                f"job {job.job_id} has not ended after {elapsed:.0f} s ({status.value}); "
                "it goes on in the worker"
            )
        await asyncio.sleep(POLL_EVERY)
    try:
        info = await job.result_info()
    except Exception as error:
        raise TaskError(
            f"job {job.job_id} ended but its result could not be read: {error}"
        ) from None
    if info is None:
        raise TaskError(f"job {job.job_id} ended but its result was not kept")
    seconds = (info.finish_time - info.start_time).total_seconds()
    return Outcome(job.job_id, True, info.success, info.result, seconds)


async def run_task(
    settings: Settings,
    task: Task,
    *,
    wait: bool = True,
    timeout: float | None = None,
    progress: Progress = lambda status, elapsed: None,
) -> Outcome:
    """Enqueue `task` into its service's worker now and, with `wait`, wait for it (at
    most `timeout` seconds; by default the job's own timeout and a minute). `TaskError`
    when its worker is not running or Redis cannot be reached; `TaskTimeout` when it
    does not end in time."""
    # One try: a command line says at once that Redis is down rather than retrying.
    connection = dataclasses.replace(
        ArqRedisSettings.from_dsn(settings.redis.url.get_secret_value()), conn_retries=0
    )
    try:
        pool = await create_pool(connection)
    except (OSError, RedisError) as error:
        raise TaskError(f"cannot reach Redis: {error}") from None
    try:
        await _check_alive(pool, settings, task.service)
        trace: dict[str, Any] = {TRACE_KWARG: current_trace_context()}
        job = await pool.enqueue_job(
            task.name,
            _job_id=f"{task.name}:now:{uuid.uuid4().hex}",
            _queue_name=queue_name(settings, task.service),
            **trace,
        )
        if job is None:  # a fresh id is never taken; say so rather than pretend
            raise TaskError(f"the {task.service} queue refused the job")
        if not wait:
            return Outcome(job.job_id, waited=False)
        limit = timeout if timeout is not None else task.job.timeout.total_seconds() + 60
        return await _wait(job, limit, progress, lambda: _check_alive(pool, settings, task.service))
    except RedisError as error:
        raise TaskError(f"Redis failed while running {task.name}: {error}") from None
    finally:
        await pool.aclose()
