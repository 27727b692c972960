"""Async database access: one engine per process, one session per request or job.

Only the request or job boundary commits: repositories and services flush, never
commit. `Database.session()` commits when the block ends without an exception and
rolls back otherwise; the FastAPI dependency `SessionDep` does the same per request.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, event, func, select
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from stackyard_common.settings import Settings

__all__ = [
    "Database",
    "SessionDep",
    "naming_convention",
    "ping_idle_connections",
    "service_metadata",
    "transaction_lock",
]

naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """The MetaData of a service: every table in `schema` (the service's own), with
    constraint names that stay stable across migrations.

    A service declares `class Base(DeclarativeBase): metadata = service_metadata("x")`.
    """
    return MetaData(schema=schema, naming_convention=naming_convention)


class Database:
    """The engine and session factory of one service, connected as its own role."""

    def __init__(self, settings: Settings, service: str) -> None:
        self.schema = service
        self.engine: AsyncEngine = create_async_engine(
            settings.database.service_url(service),
            pool_size=settings.database.pool_size,
            max_overflow=settings.database.max_overflow,
            connect_args={
                "timeout": settings.database.connect_timeout,
                "server_settings": {"search_path": service, "application_name": service},
            },
        )
        ping_idle_connections(self.engine, settings.database.ping_after_idle)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session that commits on success and rolls back on any exception."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


async def transaction_lock(session: AsyncSession, name: str) -> None:
    """Hold the lock `name` until `session`'s transaction ends: any other transaction
    asking for the same name waits until then, and afterwards sees what this one
    committed. Take it after slow work (cloud calls), just before reading the records
    the transaction will change, so that it is held for the writes only.

    A PostgreSQL advisory lock on a 64-bit hash of `name`; two names that collide only
    serialise more. Name a lock by service, purpose and subject, e.g.
    `"network:external-networks:<connection uuid>"`.
    """
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))


_RETURNED = "stackyard_returned_at"


def ping_idle_connections(engine: AsyncEngine, after: float) -> None:
    """Check that a pooled connection is alive before `engine` hands it out, when it has
    sat unused for `after` seconds or more; a dead one is replaced before anyone uses it.

    The check costs three round trips (the driver's ping runs in a transaction of its
    own), so a connection in steady use is handed out unchecked: a busy process opens
    many short sessions. If the server dropped such a connection (it restarted), the
    one statement that finds out fails, and SQLAlchemy then discards every connection
    of the pool, so that the next ones start afresh.
    """
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def returned(dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    def check(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, 0.0) < after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and hands out another.
            raise DisconnectionError(f"a pooled connection is dead: {error}") from error

    event.listen(pool, "connect", returned)
    event.listen(pool, "checkin", returned)
    event.listen(pool, "checkout", check)


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.session() as session:
        yield session


# scope="function": the session ends (commits) when the endpoint returns, before the
# answer is sent. FastAPI's default ends it after the answer: a caller could get 201,
# ask again at once and not find the record, and a failing commit would go unseen.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
"""The request's session; committed when the endpoint returns without an error, before
the answer is sent (a commit that fails is the answer)."""
