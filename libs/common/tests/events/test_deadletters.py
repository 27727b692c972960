"""A poison message: retried with back-off, dead-lettered after N attempts, listed, and
replayed (through the command line) once its cause is fixed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.events import ConsumerRunner, Envelope, Relay, consumer, publish
from stackyard_common.events.deadletters import list_dead_letters
from stackyard_common.settings import Settings

SERVICE = "network"
ATTEMPTS = 3


async def test_poison_message_is_dead_lettered_then_replayed(
    platform_settings: Settings, db: Database
) -> None:
    calls: list[float] = []
    broken = True

    @consumer("picky", ["poison.#"], max_attempts=ATTEMPTS, retry_base=timedelta(seconds=0.3))
    async def picky(envelope: Envelope, session: AsyncSession) -> None:
        calls.append(time.monotonic())
        if broken:
            raise ValueError(f"cannot digest {envelope.payload['dish']}")

    healthy = Envelope(type="poison.fine.v1", source=SERVICE, payload={"dish": "soup"})
    poison = Envelope(type="poison.bad.v1", source=SERVICE, payload={"dish": "stone"})
    runner = ConsumerRunner(platform_settings, db, [picky])
    tasks = [asyncio.create_task(runner.run())]
    await asyncio.wait_for(runner.ready.wait(), timeout=20)
    tasks.append(asyncio.create_task(Relay(platform_settings, db).run()))
    try:
        async with db.session() as session:
            await publish(session, poison)
        async with asyncio.timeout(20):
            while not (letters := await list_dead_letters(platform_settings, SERVICE)):
                await asyncio.sleep(0.2)
        assert len(calls) == ATTEMPTS
        # Back-off: 0.3 s, then 0.6 s, between the attempts.
        assert calls[1] - calls[0] >= 0.25
        assert calls[2] - calls[1] >= 0.5
        [letter] = letters
        assert letter.message_id == str(poison.id)
        assert letter.consumer == "picky"
        assert letter.attempts == ATTEMPTS
        assert "cannot digest stone" in letter.error
        # Listing leaves the queue as it was.
        assert await list_dead_letters(platform_settings, SERVICE, "picky") == letters
        assert await list_dead_letters(platform_settings, SERVICE, "other") == []

        broken = False
        async with db.session() as session:
            await publish(session, healthy)
        replay = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "stackyard_common.events.deadletters",
                "replay",
                SERVICE,
                "--id",
                str(poison.id),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ},
        )
        assert replay.returncode == 0, replay.stderr
        assert str(poison.id) in replay.stdout
        async with asyncio.timeout(20):
            while len(calls) < ATTEMPTS + 2:
                await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
        assert len(calls) == ATTEMPTS + 2  # the healthy one, and the replayed poison
        assert await list_dead_letters(platform_settings, SERVICE) == []
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
