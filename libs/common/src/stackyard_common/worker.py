"""arq workers: one per service, each on its own queue, with its periodic jobs declared
in one place (the service's `worker.py`).

Every worker gets in its context the settings, the service's `Database` and a Redis
client. Each has a `heartbeat` job that records, every minute, that it is alive, and a
daily job that purges old outbox and inbox rows. Beside its jobs, the worker process
runs the service's event machinery as long-running tasks: the outbox relay, the
service's consumers, and its saga runner (see `stackyard_common.events` and `.sagas`).
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from arq import cron, run_worker
from arq.connections import RedisSettings as ArqRedisSettings
from arq.typing import WorkerCoroutine
from redis.asyncio import Redis

from stackyard_common.db import Database
from stackyard_common.events.consumers import Consumer
from stackyard_common.events.consuming import ConsumerRunner
from stackyard_common.events.outbox import purge_handled, purge_sent
from stackyard_common.events.relay import Relay
from stackyard_common.jobs import PeriodicJob, cron_job, scheduled
from stackyard_common.logging import configure_logging
from stackyard_common.sagas.definition import Saga
from stackyard_common.sagas.events import saga_event_consumer
from stackyard_common.sagas.runner import SagaRunner
from stackyard_common.settings import Settings, get_settings

__all__ = [
    "heartbeat_key",
    "queue_name",
    "run_service_worker",
    "settle_process",
    "worker_settings",
]

Context = dict[str, Any]

EVENT_RETENTION = timedelta(days=7)

COLLECTOR_THRESHOLD = 100_000
"""Container allocations (net of frees) between two young collections of Python's
garbage collector. The default, 700, collects several times while a pull holds one
page of a listing, so that whole listings survive into the old generations and make
full collections of the heap follow one another. A worker pulls several tenants at
once, each holding its listings while it reads and writes its records: at 20,000 a
young collection still found most of them alive (the pull benchmark spent 0.3 s of
about 5 s in the collector), at 100,000 they are mostly gone (0.1 s), for at most some
ten megabytes of young objects waiting for their collection."""


def settle_process() -> None:
    """What a worker process does once it has started: everything it made so far (its
    modules, settings, mappers, schemas: objects that live as long as the process) is
    collected once and moved out of the collector's sight (`gc.freeze`), so that full
    collections walk only what the jobs make; and the young generation is collected
    every `COLLECTOR_THRESHOLD` allocations rather than every 700, so that the
    short-lived objects of a job die young instead of being promoted."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(COLLECTOR_THRESHOLD, middle, old)


def queue_name(settings: Settings, service: str) -> str:
    """The arq queue of `service`'s worker."""
    return settings.redis.key("queue", service)


def heartbeat_key(settings: Settings, service: str) -> str:
    """Where `service`'s worker records the time of its last heartbeat."""
    return settings.redis.key("worker", service, "heartbeat")


async def heartbeat(ctx: Context) -> float:
    """Record that the worker is alive; returns the time it wrote."""
    now = time.time()
    await ctx["redis"].set(heartbeat_key(ctx["settings"], ctx["service"]), now, ex=600)
    return now


async def purge_events(ctx: Context) -> tuple[int, int]:
    """Delete outbox rows sent, and inbox rows handled, more than a week ago; returns
    how many of each went. Idempotent."""
    before = datetime.now(UTC) - EVENT_RETENTION
    async with ctx["database"].session() as session:
        return await purge_sent(session, before), await purge_handled(session, before)


def _start_event_machinery(
    ctx: Context,
    settings: Settings,
    database: Database,
    consumers: Sequence[Consumer],
    sagas: Sequence[Saga],
    relay: bool,
    saga_lease: timedelta,
) -> None:
    tasks: list[asyncio.Task[None]] = []
    if relay:
        ctx["relay"] = Relay(settings, database)
        tasks.append(asyncio.create_task(ctx["relay"].run(), name="relay"))
    wakers = [item for item in [saga_event_consumer(sagas)] if item is not None]
    every_consumer = [*consumers, *wakers]
    if every_consumer:
        ctx["consumers"] = ConsumerRunner(settings, database, every_consumer)
        tasks.append(asyncio.create_task(ctx["consumers"].run(), name="consumers"))
    if sagas:
        ctx["sagas"] = SagaRunner(database, sagas, services=ctx, lease=saga_lease)
        tasks.append(asyncio.create_task(ctx["sagas"].run(), name="sagas"))
    ctx["background"] = tasks


async def _stop_event_machinery(ctx: Context) -> None:
    tasks: list[asyncio.Task[None]] = ctx.get("background", [])
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def worker_settings(
    service: str,
    *,
    functions: Sequence[WorkerCoroutine] = (),
    cron_jobs: Sequence[Any] = (),
    periodic_jobs: Sequence[PeriodicJob] = (),
    consumers: Sequence[Consumer] = (),
    sagas: Sequence[Saga] = (),
    relay: bool = True,
    saga_lease: timedelta = timedelta(seconds=30),
    settings: Settings | None = None,
) -> dict[str, Any]:
    """arq settings for `service`'s worker: its queue, its jobs and its context, and the
    relay, `consumers` and `sagas` started with it and stopped before it closes.

    `periodic_jobs` run at the periods `settings.schedule` gives them, if it names them;
    each can also be enqueued by name to run once now. `ValueError` when two share a
    name, or when the schedule gives one a period that cannot be aligned."""
    settings = settings or get_settings()
    periodic = [scheduled(job, settings.schedule) for job in periodic_jobs]
    names = [job.name for job in periodic]
    if len(set(names)) != len(names):
        raise ValueError(f"{service}'s periodic jobs share a name: {sorted(names)}")

    async def on_startup(ctx: Context) -> None:
        configure_logging(settings, f"{service}-worker")
        ctx["service"] = service
        ctx["settings"] = settings
        ctx["database"] = Database(settings, service)
        ctx["redis"] = Redis.from_url(settings.redis.url.get_secret_value())
        _start_event_machinery(ctx, settings, ctx["database"], consumers, sagas, relay, saga_lease)
        settle_process()

    async def on_shutdown(ctx: Context) -> None:
        await _stop_event_machinery(ctx)
        await ctx["redis"].aclose()
        await ctx["database"].dispose()

    return {
        "functions": list(functions),
        "cron_jobs": [
            # Named per service: a unique cron job's id is its name and tick, and the
            # services' workers share one Redis, so a shared name would let one worker
            # run the tick for all of them.
            cron(
                heartbeat,
                name=f"cron:{service}:heartbeat",
                second=0,
                run_at_startup=True,
                unique=True,
            ),
            cron(
                purge_events,
                name=f"cron:{service}:purge-events",
                hour=4,
                minute=17,
                second=0,
                unique=True,
            ),
            *(cron_job(job) for job in periodic),
            *cron_jobs,
        ],
        "redis_settings": ArqRedisSettings.from_dsn(settings.redis.url.get_secret_value()),
        "queue_name": queue_name(settings, service),
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "handle_signals": True,
    }


def run_service_worker(service: str, **kwargs: Any) -> None:
    """Run `service`'s worker until it is stopped (SIGINT or SIGTERM)."""
    run_worker(worker_settings(service, **kwargs))
