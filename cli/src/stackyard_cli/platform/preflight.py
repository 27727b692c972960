"""Checks that the platform's dependencies answer, with the way to start each one."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aio_pika
import asyncpg
from redis.asyncio import Redis

from stackyard_common.settings import Settings

__all__ = ["Dependency", "check_dependencies", "find_nginx"]

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx")


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str
    ok: bool
    detail: str
    remedy: str


def find_nginx() -> str | None:
    """Path of the nginx binary, or None."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


async def _probe(probe: Callable[[], Awaitable[None]], timeout: float) -> str | None:
    try:
        await asyncio.wait_for(probe(), timeout)
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'}"
    return None


async def check_dependencies(settings: Settings, *, need_nginx: bool = True) -> list[Dependency]:
    """Probe PostgreSQL, Redis, RabbitMQ (and nginx); one entry per dependency."""
    timeout = settings.database.connect_timeout

    async def postgres() -> None:
        conn = await asyncpg.connect(settings.database.admin_dsn.get_secret_value())
        await conn.close()

    async def redis() -> None:
        client = Redis.from_url(settings.redis.url.get_secret_value())
        try:
            await client.ping()
        finally:
            await client.aclose()

    async def rabbitmq() -> None:
        connection = await aio_pika.connect(settings.amqp.url.get_secret_value())
        await connection.close()

    pg, rd, mq = await asyncio.gather(
        _probe(postgres, timeout), _probe(redis, timeout), _probe(rabbitmq, timeout)
    )
    found = [
        Dependency(
            "PostgreSQL",
            pg is None,
            pg or "answers",
            "start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start "
            "(or set STACKYARD_DATABASE__ADMIN_DSN)",
        ),
        Dependency(
            "Redis",
            rd is None,
            rd or "answers",
            "start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 "
            "(or set STACKYARD_REDIS__URL)",
        ),
        Dependency(
            "RabbitMQ",
            mq is None,
            mq or "answers",
            "start it: rabbitmq-server -detached (or set STACKYARD_AMQP__URL)",
        ),
    ]
    if need_nginx:
        nginx = find_nginx()
        found.append(
            Dependency(
                "nginx",
                nginx is not None,
                nginx or "not installed",
                "install it: apt-get install nginx-light (Debian/Ubuntu) or brew install nginx",
            )
        )
    return found
