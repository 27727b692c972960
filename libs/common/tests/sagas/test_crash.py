"""A worker killed (SIGKILL) in the middle of a saga: another worker resumes the run
after its lease expires; the saga completes once, and no step's effect is repeated."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType

from redis.asyncio import Redis
from sqlalchemy import select

from stackyard_common.db import Database
from stackyard_common.sagas import saga_progress, saga_runs, start_saga
from stackyard_common.settings import Settings

SCRIPT = Path(__file__).with_name("crash_worker.py")


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crash_worker", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_a_killed_worker_is_replaced_and_the_saga_completes_once(
    platform_settings: Settings, db: Database
) -> None:
    worker = load_script()
    redis = Redis.from_url(platform_settings.redis.url.get_secret_value())

    async def counter(kind: str, step: str) -> int:
        return int(await redis.get(worker.key(kind, step)) or 0)

    await redis.set(worker.key("hold"), "1")
    resource = uuid.uuid4()
    async with db.session() as session:
        await start_saga(session, worker.CRASHY, resource, {})
    first = start_worker()
    second: subprocess.Popen[bytes] | None = None
    try:
        async with asyncio.timeout(30):
            while await counter("calls", "create-server") == 0:
                await asyncio.sleep(0.05)
        # The first worker has made the server and is stuck before checkpointing it.
        first.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(first.wait, 10) == -signal.SIGKILL
        await redis.delete(worker.key("hold"))
        async with db.session() as session:
            progress = await saga_progress(session, resource)
        assert progress is not None
        assert (progress.step, progress.step_name, progress.state) == (
            2,
            "create-server",
            "running",
        )

        second = start_worker()
        async with asyncio.timeout(40):
            while True:
                async with db.session() as session:
                    progress = await saga_progress(session, resource)
                assert progress is not None
                if progress.state != "running":
                    break
                await asyncio.sleep(0.1)
        assert progress.state == "succeeded"
        for step in worker.STEPS:
            assert await counter("created", step) == 1, step
        # Checkpointed steps never ran again; the interrupted one ran again but found
        # its server and made no second one.
        assert await counter("calls", "create-network") == 1
        assert await counter("calls", "create-server") == 2
        assert await counter("calls", "attach-volume") == 1
        async with db.session() as session:
            log = await session.scalar(
                select(saga_runs.c.step_log).where(saga_runs.c.resource_uuid == resource)
            )
        # The step's start (its deadline, its compensation) was recorded once, before the
        # crash; the second worker resumed it.
        events = [(entry["step"], entry["event"]) for entry in log]
        assert events == [
            (step, event) for step in worker.STEPS for event in ("started", "completed")
        ]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                await asyncio.to_thread(process.wait, 20)
        await redis.aclose()
