"""Relay and consumers on the real broker: every event reaches every consumer, and its
effect happens exactly once, across duplicates and a broker outage."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aio_pika
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.events import (
    Consumer,
    ConsumerRunner,
    Envelope,
    Relay,
    consumer,
    inbox,
    outbox,
    publish,
    publish_many,
)
from stackyard_common.events.topology import consumer_queue_name
from stackyard_common.settings import Settings

SERVICE = "network"


async def record_effect(name: str, envelope: Envelope, session: AsyncSession) -> None:
    # Counts every commit of the handler: exactly-once effect means every count is 1.
    await session.execute(
        text(
            "INSERT INTO test_effects VALUES (:c, :m, 1) ON CONFLICT (consumer, message_id)"
            " DO UPDATE SET count = test_effects.count + 1"
        ),
        {"c": name, "m": envelope.id},
    )


def recording(name: str, keys: list[str]) -> Consumer:
    async def handle(envelope: Envelope, session: AsyncSession) -> None:
        await record_effect(name, envelope, session)

    return consumer(name, keys)(handle)


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


async def effects(db: Database, name: str) -> list[int]:
    async with db.session() as session:
        result = await session.execute(
            text("SELECT count FROM test_effects WHERE consumer = :c"), {"c": name}
        )
        return [row[0] for row in result]


async def unsent_rows(db: Database) -> int:
    async with db.session() as session:
        unsent = await session.scalar(select(func.count()).where(outbox.c.sent_at.is_(None)))
    return int(unsent or 0)


@asynccontextmanager
async def running(
    settings: Settings, db: Database, consumers: list[Consumer]
) -> AsyncIterator[tuple[Relay, ConsumerRunner]]:
    relay = Relay(settings, db, batch_size=100)
    runner = ConsumerRunner(settings, db, consumers)
    tasks = [asyncio.create_task(runner.run())]
    # The queues must exist before the relay sends, or the events are unroutable.
    await asyncio.wait_for(runner.ready.wait(), timeout=20)
    tasks.append(asyncio.create_task(relay.run()))
    try:
        yield relay, runner
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_every_event_reaches_each_consumer_once(
    platform_settings: Settings, db: Database
) -> None:
    consumers = [recording("audit", ["item.#"]), recording("billing", ["item.created.v1"])]
    async with running(platform_settings, db, consumers):
        async with db.session() as session:
            await publish_many(
                session,
                [Envelope(type="item.created.v1", source=SERVICE) for _ in range(40)],
            )
            await publish(session, Envelope(type="item.deleted.v1", source=SERVICE))

        async def all_there() -> bool:
            # Every row is marked sent once the broker's confirms are read, which may be
            # a moment after the consumers have the events.
            return (
                len(await effects(db, "audit")) == 41
                and len(await effects(db, "billing")) == 40
                and await unsent_rows(db) == 0
            )

        await wait_until(all_there)
    assert set(await effects(db, "audit")) == {1}
    assert set(await effects(db, "billing")) == {1}


async def test_unroutable_event_stays_unsent(platform_settings: Settings, db: Database) -> None:
    async with db.session() as session:
        await publish(session, Envelope(type="nobody.listens.v1", source=SERVICE))
    relay = Relay(platform_settings, db)
    task = asyncio.create_task(relay.run())

    async def tried() -> bool:
        async with db.session() as session:
            return bool(await session.scalar(select(outbox.c.attempts)))

    try:
        await wait_until(tried)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    async with db.session() as session:
        row = (await session.execute(select(outbox))).one()
    assert row.sent_at is None
    assert "NO_ROUTE" in (row.last_error or "") or "Publish" in (row.last_error or "")
    assert row.next_attempt_at is not None


async def test_a_duplicate_message_is_acknowledged_and_skipped(
    platform_settings: Settings, db: Database
) -> None:
    audit = recording("dedup", ["dup.#"])
    envelope = Envelope(type="dup.sent.v1", source=SERVICE)
    async with running(platform_settings, db, [audit]):
        connection = await aio_pika.connect(platform_settings.amqp.url.get_secret_value())
        async with connection:
            channel = await connection.channel()
            queue = consumer_queue_name(platform_settings, SERVICE, "dedup")
            for _ in range(3):
                await channel.default_exchange.publish(
                    aio_pika.Message(envelope.model_dump_json().encode()), queue
                )

        async def drained() -> bool:
            declared = await channel_count(platform_settings, queue)
            return declared == 0 and len(await effects(db, "dedup")) == 1

        await wait_until(drained)
    assert await effects(db, "dedup") == [1]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(inbox)) == 1


async def channel_count(settings: Settings, queue: str) -> int:
    connection = await aio_pika.connect(settings.amqp.url.get_secret_value())
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)


def close_broker_connections(settings: Settings) -> None:
    vhost = settings.amqp.url.get_secret_value().rsplit("/", 1)[1] or "/"
    subprocess.run(
        ["rabbitmqctl", "close_all_connections", "-p", vhost, "test: broker outage"],
        check=True,
        capture_output=True,
        timeout=60,
    )


async def test_events_written_during_a_broker_outage_arrive_exactly_once(
    platform_settings: Settings, db: Database
) -> None:
    consumers = [recording("left", ["outage.#"]), recording("right", ["outage.#"])]
    total = 300
    async with running(platform_settings, db, consumers) as (relay, runner):

        async def write() -> None:
            for _ in range(total // 10):
                async with db.session() as session:
                    await publish_many(
                        session,
                        [Envelope(type="outage.tick.v1", source=SERVICE) for _ in range(10)],
                    )
                await asyncio.sleep(0.02)

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.2)
        await asyncio.to_thread(close_broker_connections, platform_settings)
        await asyncio.sleep(0.2)
        await asyncio.to_thread(close_broker_connections, platform_settings)
        await writer

        async def all_there() -> bool:
            # A consumer may hold a batch before the relay has read the broker's confirm
            # and marked its rows sent, so the outbox is awaited too. (The relay's own
            # count is no measure: a batch cancelled by the outage during its commit is
            # sent without being counted.)
            counts = [len(await effects(db, name)) for name in ("left", "right")]
            return counts == [total, total] and await unsent_rows(db) == 0

        await wait_until(all_there, timeout=40)
        # Both sides lost their connection and came back.
        assert relay.stats.connections >= 2
        assert runner.connections >= 2
    assert set(await effects(db, "left")) == {1}
    assert set(await effects(db, "right")) == {1}
    async with db.session() as session:
        handled = await session.scalar(select(func.count()).select_from(inbox))
    assert handled == 2 * total
