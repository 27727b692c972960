"""`stackyard tasks`: every service's periodic tasks listed with their overrides; `run`
runs one in its service's running worker and prints its summary, and says plainly
when the name is unknown or the worker is not running."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from arq.connections import RedisSettings as ArqRedisSettings
from arq.worker import Worker
from redis.asyncio import Redis
from sqlalchemy import update
from typer.testing import CliRunner

from stackyard_cli.main import app
from stackyard_cli.tasks import commands
from stackyard_cli.tasks.catalogue import Catalogue, Task
from stackyard_common.db import Database
from stackyard_common.jobs import PeriodicJob, cron_job
from stackyard_common.settings import Settings, get_settings
from stackyard_common.worker import heartbeat_key, queue_name
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.worker import settings as identity_worker_settings

runner = CliRunner()
STACKYARD = Path(sys.executable).parent / "stackyard"


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _rows(output: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in output.splitlines()[1:] if line}


def test_the_list_names_every_service_task_with_its_override(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "STACKYARD_SCHEDULE", '{"pull-tenant-quotas": 3600, "pull-tenant-qutoas": 60}'
    )
    result = runner.invoke(app, ["tasks", "list"])
    assert result.exit_code == 0, result.output
    rows = _rows(result.output)
    assert rows["pull-tenant-quotas"] == ["identity", "every", "12h", "every", "1h"]
    assert rows["mark-stuck-updating-tenants"] == ["identity", "every", "1h", "-"]
    assert rows["pull-networks"] == ["network", "every", "2h", "-"]
    assert rows["expire-copies"] == ["storage", "every", "10min", "-"]
    assert "STACKYARD_SCHEDULE names no task 'pull-tenant-qutoas'" in result.output


def test_a_schedule_that_cannot_align_is_refused_naming_the_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STACKYARD_SCHEDULE", '{"pull-networks": 4000}')
    result = runner.invoke(app, ["tasks", "list"])
    assert result.exit_code == 1
    assert "'pull-networks'" in result.output
    assert "does not divide" in result.output
    assert "Traceback" not in result.output


def test_a_schedule_that_is_not_json_is_refused_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKYARD_SCHEDULE", '{"pull-networks": 36')
    result = runner.invoke(app, ["tasks", "list"])
    assert result.exit_code == 1
    assert 'error parsing value for field "schedule"' in result.output
    assert "Traceback" not in result.output


def test_an_unknown_task_is_named_with_the_known_ones() -> None:
    result = runner.invoke(app, ["tasks", "run", "pull-everything"])
    assert result.exit_code == 2
    assert "no periodic task is called 'pull-everything'" in result.output
    assert "pull-tenant-quotas" in result.output
    assert "pull-networks" in result.output


async def test_a_task_whose_worker_is_not_running_is_refused(
    platform_settings: Settings,
) -> None:
    result = await asyncio.to_thread(runner.invoke, app, ["tasks", "run", "pull-networks"])
    assert result.exit_code == 1
    assert "the network worker is not running: no heartbeat" in result.output
    assert "Traceback" not in result.output

    redis = Redis.from_url(platform_settings.redis.url.get_secret_value())
    key = heartbeat_key(platform_settings, "network")
    try:
        await redis.set(key, time.time() - 900, ex=60)
        stale = await asyncio.to_thread(runner.invoke, app, ["tasks", "run", "pull-networks"])
    finally:
        await redis.delete(key)
        await redis.aclose()
    assert stale.exit_code == 1
    assert "its last heartbeat was 900 s ago" in stale.output


@pytest.fixture
async def identity_worker(platform_settings: Settings) -> AsyncIterator[None]:
    """Identity's real worker, in this process, until the test ends."""
    worker = Worker(**{**identity_worker_settings(), "handle_signals": False, "poll_delay": 0.1})
    main = asyncio.create_task(worker.main())
    redis = Redis.from_url(platform_settings.redis.url.get_secret_value())
    try:
        deadline = time.monotonic() + 30
        while await redis.get(heartbeat_key(platform_settings, "identity")) is None:
            assert not main.done(), main
            assert time.monotonic() < deadline, "the identity worker did not start"
            await asyncio.sleep(0.1)
        yield
    finally:
        main.cancel()
        await asyncio.gather(main, return_exceptions=True)
        await worker.close()
        await redis.delete(heartbeat_key(platform_settings, "identity"))
        await redis.aclose()


async def _stuck_tenant(settings: Settings) -> Tenant:
    database = Database(settings, "identity")
    try:
        async with database.session() as session:
            tenant = Tenant(
                name=f"stuck-{uuid.uuid4().hex[:6]}",
                state="UPDATING",
                customer_uuid=uuid.uuid4(),
                project_uuid=uuid.uuid4(),
                connection_uuid=uuid.uuid4(),
            )
            session.add(tenant)
            await session.flush()
            two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
            await session.execute(
                update(Tenant).where(Tenant.uuid == tenant.uuid).values(modified=two_hours_ago)
            )
        return tenant
    finally:
        await database.dispose()


async def _state(settings: Settings, tenant: Tenant) -> tuple[str, str]:
    database = Database(settings, "identity")
    try:
        async with database.session() as session:
            found = await session.get(Tenant, tenant.uuid)
            assert found is not None
            return found.state, found.error_message
    finally:
        await database.dispose()


async def _stackyard(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        str(STACKYARD),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ),
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.usefixtures("identity_worker")
async def test_run_runs_the_task_in_the_worker_and_prints_its_summary(
    platform_settings: Settings,
) -> None:
    tenant = await _stuck_tenant(platform_settings)

    code, out, err = await _stackyard("tasks", "run", "mark-stuck-updating-tenants")

    assert code == 0, (out, err)
    assert "mark-stuck-updating-tenants (identity) done in" in out
    assert "  older_than_seconds: 3600" in out
    erred_line = next(line for line in out.splitlines() if "erred_tenants:" in line)
    assert tenant.name in erred_line
    assert "mark-stuck-updating-tenants (identity):" in err  # the progress while it waited
    state, message = await _state(platform_settings, tenant)
    assert state == "ERRED"
    assert "UPDATING for more than 1 hour" in message

    code, out, err = await _stackyard("tasks", "run", "mark-stuck-updating-tenants", "--no-wait")
    assert code == 0, (out, err)
    assert "enqueued to the identity worker as job mark-stuck-updating-tenants:now:" in out


async def _explode(ctx: dict[str, object]) -> None:
    raise RuntimeError("the cloud said no")


async def _dawdle(ctx: dict[str, object]) -> dict[str, int]:
    await asyncio.sleep(2)
    return {"done": 1}


async def test_a_failing_or_slow_task_is_reported_without_a_traceback(
    platform_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = f"jobs-{uuid.uuid4().hex[:6]}"
    jobs = [
        PeriodicJob("explode", _explode, every=timedelta(hours=1)),
        PeriodicJob("dawdle", _dawdle, every=timedelta(hours=1)),
    ]
    found = Catalogue({job.name: Task(service, job, job, None) for job in jobs})
    monkeypatch.setattr(commands, "catalogue", lambda schedule: found)
    url = platform_settings.redis.url.get_secret_value()
    worker = Worker(
        cron_jobs=[cron_job(job) for job in jobs],
        redis_settings=ArqRedisSettings.from_dsn(url),
        queue_name=queue_name(platform_settings, service),
        handle_signals=False,
        poll_delay=0.05,
    )
    main = asyncio.create_task(worker.main())
    redis = Redis.from_url(url)
    await redis.set(heartbeat_key(platform_settings, service), time.time(), ex=60)
    try:
        failed = await asyncio.to_thread(runner.invoke, app, ["tasks", "run", "explode"])
        slow = await asyncio.to_thread(
            runner.invoke, app, ["tasks", "run", "dawdle", "--timeout", "0.5"]
        )
    finally:
        main.cancel()
        await asyncio.gather(main, return_exceptions=True)
        await worker.close()
        await redis.delete(heartbeat_key(platform_settings, service))
        await redis.aclose()
    assert failed.exit_code == 1
    assert "explode failed after" in failed.output
    assert "RuntimeError: the cloud said no" in failed.output
    assert slow.exit_code == 1
    assert "has not ended after" in slow.output
    assert "it goes on in the worker" in slow.output
    assert "Traceback" not in failed.output + slow.output
