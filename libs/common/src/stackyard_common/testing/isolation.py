"""One test run's private database, vhost and Redis key prefix.

Where the services come from:
- the environment names them (`STACKYARD_DATABASE__ADMIN_DSN`, `STACKYARD_REDIS__URL`,
  `STACKYARD_AMQP__URL`; any of them): those, with the defaults for the rest;
- it names none and a Docker engine answers: throw-away containers (testcontainers);
- otherwise: the local services on their default ports.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from redis import Redis

from stackyard_common.dbadmin import bootstrap_database, drop_database, migrate_all
from stackyard_common.settings import Settings

__all__ = ["IsolatedEnvironment", "isolated_environment"]

SERVICE_URL_VARIABLES = (
    "STACKYARD_DATABASE__ADMIN_DSN",
    "STACKYARD_REDIS__URL",
    "STACKYARD_AMQP__URL",
)


@dataclass(frozen=True, slots=True)
class IsolatedEnvironment:
    """What a run's processes need: the variables to export, and the settings they give."""

    run_id: str
    variables: dict[str, str]

    def settings(self) -> Settings:
        """Settings as a process started with `variables` would read them."""
        saved = {name: os.environ.get(name) for name in self.variables}
        os.environ.update(self.variables)
        try:
            return Settings()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _docker_answers() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    probe = subprocess.run(
        [docker, "info", "--format", "{{.ServerVersion}}"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return probe.returncode == 0


@contextmanager
def _containers() -> Iterator[dict[str, str]]:
    # Imported here: only machines with a Docker engine and no named services need it.
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer
    from testcontainers.redis import RedisContainer

    with (
        PostgresContainer("postgres:16", driver=None) as postgres,
        RedisContainer("redis:7") as redis,
        RabbitMqContainer("rabbitmq:3.13") as rabbit,
    ):
        yield {
            "STACKYARD_DATABASE__ADMIN_DSN": postgres.get_connection_url(),
            "STACKYARD_DATABASE__HOST": postgres.get_container_host_ip(),
            "STACKYARD_DATABASE__PORT": str(postgres.get_exposed_port(5432)),
            "STACKYARD_REDIS__URL": (
                f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
            ),
            "STACKYARD_AMQP__URL": (
                f"amqp://guest:guest@{rabbit.get_container_host_ip()}:"
                f"{rabbit.get_exposed_port(5672)}/"
            ),
        }


def _with_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{vhost}"))


def _rabbitmqctl(*args: str) -> bool:
    tool = shutil.which("rabbitmqctl") or (
        "/usr/sbin/rabbitmqctl" if os.path.exists("/usr/sbin/rabbitmqctl") else None
    )
    if tool is None:
        return False
    result = subprocess.run([tool, *args], capture_output=True, timeout=60, check=False)
    return result.returncode == 0


@contextmanager
def isolated_environment(*, migrate: bool = True) -> Iterator[IsolatedEnvironment]:
    """Create a run's database (migrated), vhost and key prefix; remove them on exit.

    Where no RabbitMQ vhost can be made (no `rabbitmqctl` on this machine), the run
    shares the broker's vhost but gets an exchange of its own.
    """
    run_id = f"sy{secrets.token_hex(4)}"
    with ExitStack() as stack:
        named = {name: os.environ[name] for name in SERVICE_URL_VARIABLES if name in os.environ}
        if not named and _docker_answers():
            named = stack.enter_context(_containers())
        base = Settings(**{})  # defaults, before the run's variables
        amqp_url = named.get("STACKYARD_AMQP__URL", base.amqp.url.get_secret_value())
        variables = {
            **named,
            "STACKYARD_ENVIRONMENT": "test",
            "STACKYARD_DATABASE__NAME": run_id,
            "STACKYARD_DATABASE__ROLE_PREFIX": run_id,
            "STACKYARD_REDIS__KEY_PREFIX": run_id,
            # A platform's fourteen processes and the tests share PostgreSQL's default
            # 100 connections: small pools, with a little room to grow under load.
            "STACKYARD_DATABASE__POOL_SIZE": "1",
            "STACKYARD_DATABASE__MAX_OVERFLOW": "3",
        }
        own_vhost = not named.get("STACKYARD_AMQP__URL") and _rabbitmqctl("add_vhost", run_id)
        if own_vhost:
            _rabbitmqctl("set_permissions", "-p", run_id, "guest", ".*", ".*", ".*")
            variables["STACKYARD_AMQP__URL"] = _with_vhost(amqp_url, run_id)
            stack.callback(_rabbitmqctl, "delete_vhost", run_id)
        else:
            variables["STACKYARD_AMQP__EXCHANGE"] = f"stackyard.events.{run_id}"
        redis_url = named.get("STACKYARD_REDIS__URL", base.redis.url.get_secret_value())
        variables["STACKYARD_REDIS__URL"] = stack.enter_context(_claim_redis_db(redis_url, run_id))
        environment = IsolatedEnvironment(run_id, variables)
        settings = environment.settings()
        stack.callback(lambda: asyncio.run(drop_database(settings)))
        asyncio.run(bootstrap_database(settings))
        if migrate:
            asyncio.run(migrate_all(settings))
        yield environment


REDIS_CLAIM_TTL = 6 * 3600


@contextmanager
def _claim_redis_db(url: str, run_id: str) -> Iterator[str]:
    """Claim a Redis database (1-15) of its own for the run, and empty it afterwards.

    A key prefix is not enough: arq keeps its job keys under fixed names, so two runs
    sharing a database could see each other's deterministic job ids. Claims are keys in
    database 0 that expire, so a crashed run frees its database eventually.
    """
    parts = urlsplit(url)
    registry = Redis.from_url(urlunsplit(parts._replace(path="/0")))
    try:
        for number in range(1, 16):
            claim = f"stackyard:test-db-claim:{number}"
            if registry.set(claim, run_id, nx=True, ex=REDIS_CLAIM_TTL):
                break
        else:
            raise RuntimeError("every Redis database 1-15 is claimed by another test run")
        claimed = urlunsplit(parts._replace(path=f"/{number}"))
        client = Redis.from_url(claimed)
        client.flushdb()
        try:
            yield claimed
        finally:
            client.flushdb()
            client.close()
            registry.delete(claim)
    finally:
        registry.close()
