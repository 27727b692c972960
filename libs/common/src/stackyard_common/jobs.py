"""arq jobs: periodic jobs declared once per service, deduplicated one-off jobs, and
trace context carried from the code that enqueues a job into the job.

```python
pull_flavors = PeriodicJob("pull-flavors", pull_flavors_job, every=timedelta(minutes=10))
worker_settings("compute", periodic_jobs=[pull_flavors], functions=[traced_job(resize)])
await enqueue_once(redis, "resize", str(instance.uuid), queue_name=..., flavor=...)
```
A periodic job's period can be changed without a release: `STACKYARD_SCHEDULE` (a JSON
object, job name → seconds) overrides it in every worker (`scheduled`). arq keeps a
periodic job in the worker's function table under its name, so enqueueing that name
(`redis.enqueue_job("pull-flavors", _queue_name=...)`) runs it once, now: that is how
`stackyard tasks run` works.

Every job must be idempotent: arq may run a job again after a worker crash, and a
periodic job may find the previous run's work already done.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, cast

from arq.connections import ArqRedis
from arq.cron import CronJob, cron
from arq.jobs import Job
from arq.typing import WorkerCoroutine

from stackyard_common.events.envelope import attached_trace, current_trace_context
from stackyard_common.periods import clock_fields, describe_period

__all__ = [
    "TRACE_KWARG",
    "JobFunction",
    "PeriodicJob",
    "cron_job",
    "enqueue_once",
    "job_id",
    "scheduled",
    "traced_job",
]

TRACE_KWARG = "trace_context"

JobFunction = Callable[..., Awaitable[Any]]

RESULT_KEPT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """A job run on a schedule by one worker of the service at a time.

    Either `every` (a period that divides a minute, an hour or a day evenly, e.g. 15 s,
    10 min, 6 h; aligned to the clock) or `cron` (arq's fields: `{"hour": 3, "minute": 0}`).
    """

    name: str
    function: JobFunction
    every: timedelta | None = None
    cron: Mapping[str, Any] | None = None
    run_at_startup: bool = False
    timeout: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.cron is None):
            raise ValueError(f"periodic job {self.name!r} needs exactly one of every/cron")
        if self.every is not None:
            clock_fields(self.every)  # refuse a period that cannot be aligned, at declaration

    @property
    def period(self) -> str:
        """When it runs, as people say it: `every 12h`, or its cron fields."""
        if self.every is not None:
            return f"every {describe_period(self.every)}"
        fields = " ".join(f"{name}={value}" for name, value in (self.cron or {}).items())
        return f"cron {fields}"


def scheduled(job: PeriodicJob, schedule: Mapping[str, int]) -> PeriodicJob:
    """`job` as `schedule` (name → seconds, `Settings.schedule`) says it runs: every
    that many seconds when the schedule names it (instead of its own period or cron),
    else as declared. `ValueError` naming the job when that period cannot be aligned."""
    seconds = schedule.get(job.name)
    if seconds is None:
        return job
    try:
        return replace(job, every=timedelta(seconds=seconds), cron=None)
    except ValueError as error:
        raise ValueError(f"schedule of periodic job {job.name!r}: {error}") from None


def cron_job(job: PeriodicJob) -> CronJob:
    """The arq cron job for `job`: `unique`, so that of several workers only one runs
    each tick (arq derives a deterministic job id from the name and the tick's time).
    Its result (the job's summary) is kept `RESULT_KEPT`, where whoever ran it now
    (`stackyard tasks run`) reads it; arq keeps none of a cron job's by default."""
    schedule = clock_fields(job.every) if job.every is not None else dict(job.cron or {})
    return cron(
        traced_job(job.function),
        name=job.name,
        run_at_startup=job.run_at_startup,
        unique=True,
        timeout=job.timeout,
        keep_result=RESULT_KEPT.total_seconds(),
        microsecond=0,
        **schedule,
    )


def traced_job(function: JobFunction) -> WorkerCoroutine:
    """Wrap a job so that it runs in the trace context passed by `enqueue_once` (the
    `trace_context` keyword); the function itself never sees that keyword. arq knows
    the job by the function's plain `__name__`, which is what `enqueue_once` names."""

    @functools.wraps(function)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        carrier = kwargs.pop(TRACE_KWARG, None)
        with attached_trace(carrier):
            return await function(ctx, *args, **kwargs)

    run.__qualname__ = function.__name__  # arq registers jobs under their qualname
    return cast(WorkerCoroutine, run)


def job_id(function: str, key: str) -> str:
    """The deterministic id of the job `function` for `key`, e.g. `resize:<uuid>`."""
    return f"{function}:{key}"


async def enqueue_once(
    redis: ArqRedis,
    function: str,
    key: str,
    *,
    queue_name: str,
    defer_by: timedelta | None = None,
    **kwargs: Any,
) -> Job | None:
    """Enqueue `function(**kwargs)` under the id `job_id(function, key)`, carrying the
    current trace context; returns None when that job is already queued, running or
    its result is still kept (arq refuses a second job with the same id)."""
    return await redis.enqueue_job(
        function,
        _job_id=job_id(function, key),
        _queue_name=queue_name,
        _defer_by=defer_by,
        **{TRACE_KWARG: current_trace_context(), **kwargs},
    )
