"""arq workers: one per service, each on its own queue, with its periodic jobs declared
in one place (the service's `worker.py`).

Every worker gets in its context the settings, the service's `Database` and a Redis
client. Each has a `heartbeat` job that records, every minute, that it is alive.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from arq import cron, run_worker
from arq.connections import RedisSettings as ArqRedisSettings
from arq.typing import WorkerCoroutine
from redis.asyncio import Redis

from stackyard_common.db import Database
from stackyard_common.logging import configure_logging
from stackyard_common.settings import Settings, get_settings

__all__ = ["heartbeat_key", "queue_name", "run_service_worker", "worker_settings"]

Context = dict[str, Any]


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


def worker_settings(
    service: str,
    *,
    functions: Sequence[WorkerCoroutine] = (),
    cron_jobs: Sequence[Any] = (),
    settings: Settings | None = None,
) -> dict[str, Any]:
    """arq settings for `service`'s worker: its queue, its jobs and its context."""
    settings = settings or get_settings()

    async def on_startup(ctx: Context) -> None:
        configure_logging(settings, f"{service}-worker")
        ctx["service"] = service
        ctx["settings"] = settings
        ctx["database"] = Database(settings, service)
        ctx["redis"] = Redis.from_url(settings.redis.url.get_secret_value())

    async def on_shutdown(ctx: Context) -> None:
        await ctx["redis"].aclose()
        await ctx["database"].dispose()

    return {
        "functions": list(functions),
        "cron_jobs": [
            cron(heartbeat, second=0, run_at_startup=True, unique=True),
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
