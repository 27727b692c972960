"""Fixtures of the saga tests: the `compute` service's database, emptied per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from stackyard_common.db import Database
from stackyard_common.settings import Settings


@pytest.fixture(scope="session")
async def sagas_db(platform_settings: Settings) -> AsyncIterator[Database]:
    database = Database(platform_settings, "compute")
    yield database
    await database.dispose()


@pytest.fixture
async def db(sagas_db: Database) -> Database:
    async with sagas_db.session() as session:
        await session.execute(text("TRUNCATE saga_runs, outbox, inbox"))
    return sagas_db
