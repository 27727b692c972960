"""The relay: sends every committed outbox row to the events exchange, at least once.

A row is marked sent only after the broker confirmed it and routed it to at least one
queue (publisher confirms + `mandatory`); a row that fails is kept, with its error, and
tried again after a back-off. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several
relays of one service share the work without sending a row twice at the same time.
The relay wakes on the outbox's NOTIFY trigger, and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from sqlalchemy import Text, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from stackyard_common.db import Database
from stackyard_common.events.amqp import run_reconnecting
from stackyard_common.events.tables import notify_channel, outbox
from stackyard_common.events.topology import declare_events_exchange
from stackyard_common.settings import Settings

__all__ = ["Relay", "RelayStats"]

log = structlog.get_logger(__name__)

RETRY_CAP = timedelta(minutes=5)


@dataclass(slots=True)
class RelayStats:
    """What a relay has done since it started (for tests, benchmarks and metrics).

    Counted after each batch's commit: a batch cancelled while it commits (its broker
    connection was lost) may be marked sent in the outbox without being counted here.
    The outbox's `sent_at` is the record of what was sent.
    """

    sent: int = 0
    failed: int = 0
    batches: int = 0
    connections: int = 0


class Relay:
    """The outbox relay of one service; `run()` until cancelled."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        publish_timeout: float = 10.0,
        parallel: int = 4,
    ) -> None:
        self.settings = settings
        self.database = database
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.publish_timeout = publish_timeout
        self.stats = RelayStats()
        self.parallel = parallel
        self._wakes = [asyncio.Event() for _ in range(parallel)]
        self._channel: AbstractChannel | None = None

    async def run(self) -> None:
        """Relay forever, reconnecting to the broker (with back-off) whenever it drops."""
        await run_reconnecting(self.settings, f"{self.database.schema}-relay", self._session)

    def wake(self) -> None:
        """Look at the outbox now rather than at the next poll."""
        for event in self._wakes:
            event.set()

    async def _session(self, connection: AbstractConnection) -> None:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await declare_events_exchange(channel, self.settings)
        self._channel = channel
        self.stats.connections += 1
        listener = await self._listen()
        loops = [asyncio.create_task(self._loop(exchange, wake)) for wake in self._wakes]
        try:
            # Several loops, each with a batch in flight: while one waits for the broker's
            # confirms, another claims (SKIP LOCKED keeps their rows apart).
            await asyncio.gather(*loops)
        finally:
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            if listener is not None:
                await asyncio.shield(listener.close())

    async def _loop(self, exchange: AbstractExchange, wake: asyncio.Event) -> None:
        while True:
            wake.clear()
            claimed = await self.relay_batch(exchange)
            if claimed < self.batch_size:
                # Woken by NOTIFY at commit time; the timeout is the fallback poll.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=self.poll_interval)

    async def _listen(self) -> AsyncConnection | None:
        """A pooled connection kept aside to LISTEN on the outbox's channel, or None
        (then the relay polls) when it cannot be had."""
        try:
            listener = await self.database.engine.connect()
            raw = await listener.get_raw_connection()
            driver: Any = raw.driver_connection  # asyncpg's own connection
            await driver.add_listener(notify_channel(self.database.schema), self._notified)
        except Exception as error:  # polling still delivers, only later
            log.warning("outbox listener unavailable, polling", error=repr(error))
            return None
        return listener

    def _notified(self, *_args: object) -> None:
        self.wake()

    async def relay_batch(self, exchange: AbstractExchange) -> int:
        """Claim up to `batch_size` due rows, publish them, mark the confirmed ones sent
        and the others failed, in one transaction. Returns how many rows it claimed.

        Raises after committing when the broker connection failed under it, so that the
        caller reconnects.
        """
        async with self.database.session() as session:
            rows = (
                await session.execute(
                    select(
                        outbox.c.id,
                        outbox.c.type,
                        outbox.c.routing_key,
                        outbox.c.body.cast(Text).label("body"),
                    )
                    .where(
                        outbox.c.sent_at.is_(None),
                        or_(
                            outbox.c.next_attempt_at.is_(None),
                            outbox.c.next_attempt_at <= func.now(),
                        ),
                    )
                    .order_by(outbox.c.created)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            results = await asyncio.gather(
                *(self._publish(exchange, *row) for row in rows),
                return_exceptions=True,
            )
            sent = [row.id for row, result in zip(rows, results, strict=True) if result is None]
            failures = [
                {"row_id": row.id, "error": repr(result)[:2000]}
                for row, result in zip(rows, results, strict=True)
                if result is not None
            ]
            if sent:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(sent))
                    .values(sent_at=func.now(), next_attempt_at=None)
                )
            if failures:
                await session.execute(_failed_statement(), failures)
        self.stats.batches += 1
        self.stats.sent += len(sent)
        self.stats.failed += len(failures)
        if failures:
            log.warning("outbox rows not sent", count=len(failures), first=failures[0]["error"])
            if self._channel is None or self._channel.is_closed:
                raise ConnectionError("broker channel closed while relaying")
        return len(rows)

    async def _publish(
        self, exchange: AbstractExchange, row_id: Any, type_: str, routing_key: str, body: str
    ) -> BaseException | None:
        message = aio_pika.Message(
            body.encode(),
            message_id=str(row_id),
            type=type_,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        try:
            # Confirmed and routed, or an exception: PublishError when no queue took it.
            await exchange.publish(
                message, routing_key, mandatory=True, timeout=self.publish_timeout
            )
        except Exception as error:  # every failure keeps the row unsent; the reason is logged
            return error
        return None


def _failed_statement() -> Any:
    # Back off 2^attempts seconds (capped), so an unroutable row does not hog batches.
    cap = int(RETRY_CAP.total_seconds())
    return (
        update(outbox)
        .where(outbox.c.id == bindparam("row_id"))
        .values(
            attempts=outbox.c.attempts + 1,
            last_error=bindparam("error"),
            next_attempt_at=func.now()
            + func.make_interval(
                0, 0, 0, 0, 0, 0, func.least(func.power(2, outbox.c.attempts), cap)
            ),
        )
    )
