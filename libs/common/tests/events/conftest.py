"""Fixtures of the event tests: the `network` service's database, emptied per test, and
a table in which handlers record their effects (one row per consumer and message)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from stackyard_common.db import Database
from stackyard_common.settings import Settings

SERVICE = "network"


@pytest.fixture(scope="session")
async def events_db(platform_settings: Settings) -> AsyncIterator[Database]:
    database = Database(platform_settings, SERVICE)
    async with database.session() as session:
        await session.execute(
            text(
                "CREATE TABLE IF NOT EXISTS test_effects ("
                " consumer text, message_id uuid, count int NOT NULL,"
                " PRIMARY KEY (consumer, message_id))"
            )
        )
    yield database
    await database.dispose()


@pytest.fixture
async def db(events_db: Database) -> Database:
    async with events_db.session() as session:
        await session.execute(text("TRUNCATE outbox, inbox, test_effects"))
    return events_db
