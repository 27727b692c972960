"""Liveness and readiness.

`/livez` says the process answers. `/readyz` checks, concurrently and each within a
timeout, the service's database schema (reachable and migrated to the newest revision),
Redis and RabbitMQ; it answers 200 when all pass and 503 naming each one that is down.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aio_pika
from redis.asyncio import Redis
from sqlalchemy import text

from stackyard_common.db import Database
from stackyard_common.migrations import VERSION_TABLE, head_revision
from stackyard_common.settings import Settings

__all__ = ["Check", "ReadinessReport", "check_readiness", "standard_checks"]

Check = Callable[[], Awaitable[None]]
"""A readiness check: returns when the dependency is usable, raises otherwise."""


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    checks: dict[str, str]

    @property
    def down(self) -> list[str]:
        return [name for name, status in self.checks.items() if status != "ok"]

    @property
    def ready(self) -> bool:
        return not self.down

    def body(self) -> dict[str, object]:
        return {
            "status": "ok" if self.ready else "unavailable",
            "down": self.down,
            "checks": self.checks,
        }


def standard_checks(settings: Settings, database: Database, redis: Redis) -> dict[str, Check]:
    """The checks every service runs: `database`, `redis`, `rabbitmq`."""
    head = head_revision(database.schema)

    async def check_database() -> None:
        async with database.engine.connect() as connection:
            current = (
                await connection.execute(
                    # The schema is a service name from topology, never user input.
                    text(f'SELECT version_num FROM "{database.schema}".{VERSION_TABLE}')  # noqa: S608
                )
            ).scalar_one_or_none()
        if current != head:
            raise RuntimeError(f"schema at revision {current}, expected {head}")

    async def check_redis() -> None:
        await redis.ping()

    async def check_rabbitmq() -> None:
        connection = await aio_pika.connect(
            settings.amqp.url.get_secret_value(), timeout=settings.readiness_timeout
        )
        await connection.close()

    return {"database": check_database, "redis": check_redis, "rabbitmq": check_rabbitmq}


async def check_readiness(checks: dict[str, Check], seconds_each: float) -> ReadinessReport:
    """Run every check at once; each one that fails or times out is reported by name."""

    async def run(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), seconds_each)
        except TimeoutError:
            return f"error: no answer within {seconds_each:g} s"
        except Exception as exc:
            return f"error: {type(exc).__name__}: {_first_line(exc)}"
        return "ok"

    results = await asyncio.gather(*(run(check) for check in checks.values()))
    return ReadinessReport(dict(zip(checks, results, strict=True)))


def _first_line(exc: Exception) -> str:
    text_ = str(exc).strip().splitlines()
    return text_[0][:200] if text_ else "failed"
