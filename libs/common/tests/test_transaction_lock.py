"""A transaction lock: a second transaction asking for the same name waits until the
first ends; one asking for another name does not wait."""

from __future__ import annotations

import asyncio

from stackyard_common.db import Database, transaction_lock
from stackyard_common.settings import Settings

SERVICE = "network"


async def test_a_second_holder_of_the_same_name_waits_for_the_first_to_end(
    platform_settings: Settings,
) -> None:
    database = Database(platform_settings, SERVICE)
    order: list[str] = []
    holding = asyncio.Event()

    async def first() -> None:
        async with database.session() as session:
            await transaction_lock(session, "test:lock:same")
            holding.set()
            await asyncio.sleep(0.3)  # the second asks meanwhile
            order.append("first ends")

    async def second(name: str) -> None:
        await holding.wait()
        async with database.session() as session:
            await transaction_lock(session, name)
            order.append(f"{name} taken")

    try:
        await asyncio.gather(first(), second("test:lock:same"), second("test:lock:other"))
    finally:
        await database.dispose()
    assert order == ["test:lock:other taken", "first ends", "test:lock:same taken"]
