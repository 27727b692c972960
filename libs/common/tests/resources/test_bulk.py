"""Many rows written by key in one statement, handed back whole."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import DateTime, String, Uuid, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from stackyard_common.db import Database, service_metadata
from stackyard_common.resources.bulk import delete_records, update_records
from stackyard_common.settings import Settings

SERVICE = "network"


class _Base(DeclarativeBase):
    metadata = service_metadata(SERVICE)


class Thing(_Base):
    __tablename__ = "test_bulk_things"

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(40))
    gone_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


EARLIER = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def db(platform_settings: Settings) -> AsyncIterator[Database]:
    database = Database(platform_settings, SERVICE)
    async with database.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    yield database
    async with database.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.drop_all)
    await database.dispose()


async def _things(db: Database, *names: str) -> list[uuid.UUID]:
    keys = [uuid.uuid4() for _ in names]
    async with db.session() as session:
        session.add_all(
            Thing(uuid=key, name=name, owner="ops", gone_since=EARLIER, modified=EARLIER)
            for key, name in zip(keys, names, strict=True)
        )
    return keys


async def test_update_records_writes_the_named_rows_and_hands_them_back_whole(
    db: Database,
) -> None:
    first, second, untouched = await _things(db, "a", "b", "c")
    async with db.session() as session:
        by_key = await update_records(
            session,
            Thing,
            [
                {"uuid": first, "name": "a2", "gone_since": None},
                {"uuid": second, "name": "b2", "gone_since": None},
            ],
        )
    assert set(by_key) == {first, second}
    assert (by_key[first].name, by_key[first].owner) == ("a2", "ops")
    assert by_key[second].gone_since is None  # a column of NULLs only is written too
    assert by_key[first].modified > EARLIER  # `onupdate` columns follow
    async with db.session() as session:
        found = await session.execute(select(Thing.uuid, Thing.name))
        stored = {key: name for key, name in found}
    assert stored == {first: "a2", second: "b2", untouched: "c"}


async def test_update_records_refuses_rows_naming_different_columns(db: Database) -> None:
    first, second = await _things(db, "a", "b")
    async with db.session() as session:
        with pytest.raises(ValueError, match="same columns"):
            await update_records(
                session, Thing, [{"uuid": first, "name": "x"}, {"uuid": second, "owner": "y"}]
            )
        assert await update_records(session, Thing, []) == {}


async def test_delete_records_hands_back_the_rows_as_they_were(db: Database) -> None:
    first, kept = await _things(db, "a", "b")
    async with db.session() as session:
        gone = await delete_records(session, Thing, [first])
    assert [(row.uuid, row.name, row.gone_since) for row in gone.values()] == [
        (first, "a", EARLIER)
    ]
    record = gone[first]
    assert (record.uuid, record.name, record.owner) == (first, "a", "ops")
    async with db.session() as session:
        assert list(await session.scalars(select(Thing.uuid))) == [kept]
