"""Pooled connections: one that sat unused is checked before it is handed out, so that a
connection the server dropped meanwhile is replaced unseen; one in steady use is handed
out unchecked, and a dropped one then fails one statement, after which the pool starts
afresh."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stackyard_common.db import Database
from stackyard_common.settings import Settings

SERVICE = "network"


async def _backend(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")) or 0)


async def _drop(killer: Database, pid: int) -> None:
    # What a server restart does to a pooled connection, to that one alone.
    async with killer.session() as session:
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def _database(settings: Settings, ping_after_idle: float) -> Database:
    database = settings.database.model_copy(
        update={"pool_size": 1, "max_overflow": 0, "ping_after_idle": ping_after_idle}
    )
    return Database(settings.model_copy(update={"database": database}), SERVICE)


async def test_a_dropped_connection_that_sat_unused_is_replaced_unseen(
    platform_settings: Settings,
) -> None:
    database, killer = _database(platform_settings, 0), Database(platform_settings, SERVICE)
    try:
        first = await _backend(database)
        await _drop(killer, first)
        second = await _backend(database)
        assert second not in (0, first)
    finally:
        await database.dispose()
        await killer.dispose()


async def test_a_dropped_connection_in_steady_use_fails_one_statement_only(
    platform_settings: Settings,
) -> None:
    database = _database(platform_settings, 3600)
    killer = Database(platform_settings, SERVICE)
    try:
        first = await _backend(database)
        await _drop(killer, first)
        with pytest.raises(DBAPIError) as failed:
            await _backend(database)
        assert failed.value.connection_invalidated
        second = await _backend(database)
        assert second not in (0, first)
    finally:
        await database.dispose()
        await killer.dispose()
