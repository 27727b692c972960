"""Running consumers: each message is handled once to success, retried, or dead-lettered.

For each message: the inbox row `(consumer, message id)` is inserted and the handler
runs, in one transaction. A message whose inbox row exists is a duplicate: acknowledged
and skipped. A handler that raises rolls back; the message is copied to the retry queue
of its next attempt (or, after its last, to the service's dead-letter queue) with the
attempt count in a header, and the original is acknowledged. Acknowledging after the
commit means a crash in between redelivers a message the inbox already holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import aio_pika
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
)
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert

from stackyard_common.db import Database
from stackyard_common.events.amqp import run_reconnecting
from stackyard_common.events.consumers import Consumer
from stackyard_common.events.envelope import Envelope, attached_trace
from stackyard_common.events.tables import inbox
from stackyard_common.events.topology import (
    ATTEMPTS_HEADER,
    CONSUMER_HEADER,
    ERROR_HEADER,
    consumer_queue_name,
    dead_exchange_name,
    declare_consumer_queue,
    declare_dead_letters,
    retry_queue_name,
)
from stackyard_common.settings import Settings

__all__ = ["ConsumerRunner"]

log = structlog.get_logger(__name__)


class ConsumerRunner:
    """Runs a service's consumers on one broker connection; `run()` until cancelled."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        consumers: Sequence[Consumer],
    ) -> None:
        names = [item.name for item in consumers]
        if len(set(names)) != len(names):
            raise ValueError(f"consumer names repeat: {names}")
        self.settings = settings
        self.database = database
        self.service = database.schema
        self.consumers = list(consumers)
        self.ready = asyncio.Event()
        self.connections = 0

    async def run(self) -> None:
        """Consume forever, reconnecting (with back-off) whenever the broker drops."""
        if self.consumers:
            await run_reconnecting(self.settings, f"{self.service}-consumers", self._session)

    async def _session(self, connection: AbstractConnection) -> None:
        self.ready.clear()
        workers: list[asyncio.Task[None]] = []
        # Retries and dead letters are published with confirms before the ack.
        outgoing = await connection.channel(publisher_confirms=True, on_return_raises=True)
        await declare_dead_letters(outgoing, self.settings, self.service)
        dead = await outgoing.get_exchange(dead_exchange_name(self.settings))
        for item in self.consumers:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=item.concurrency)
            queue = await declare_consumer_queue(
                channel,
                self.settings,
                self.service,
                item.name,
                list(item.routing_keys),
                item.delays,
            )
            arrived: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
            await queue.consume(_put(arrived))
            for _ in range(item.parallel):
                workers.append(asyncio.create_task(self._work(item, outgoing, dead, arrived)))
        self.connections += 1
        self.ready.set()
        try:
            await asyncio.Future()  # until the connection drops or the runner is cancelled
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _work(
        self,
        item: Consumer,
        outgoing: AbstractChannel,
        dead: AbstractExchange,
        arrived: asyncio.Queue[AbstractIncomingMessage],
    ) -> None:
        # Messages that arrived together are handled in one transaction: one commit for
        # many inbox rows is what makes a busy consumer fast.
        while True:
            batch = [await arrived.get()]
            while len(batch) < item.batch_size and not arrived.empty():
                batch.append(arrived.get_nowait())
            if len(batch) == 1:
                await self._on_message(item, outgoing, dead, batch[0])
            else:
                await self._on_batch(item, outgoing, dead, batch)

    async def _on_batch(
        self,
        item: Consumer,
        outgoing: AbstractChannel,
        dead: AbstractExchange,
        batch: list[AbstractIncomingMessage],
    ) -> None:
        try:
            envelopes = [Envelope.model_validate_json(message.body) for message in batch]
            async with asyncio.timeout(item.timeout.total_seconds()):
                await self.handle_many(item, envelopes)
        except asyncio.CancelledError:
            raise
        except Exception:  # someone in the batch fails: each is tried on its own
            for message in batch:
                await self._on_message(item, outgoing, dead, message)
            return
        for message in batch:
            await message.ack()

    async def _on_message(
        self,
        item: Consumer,
        outgoing: AbstractChannel,
        dead: AbstractExchange,
        message: AbstractIncomingMessage,
    ) -> None:
        attempt = int(str((message.headers or {}).get(ATTEMPTS_HEADER, 0))) + 1
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError as error:
            # No attempt can succeed on a body that does not parse: dead-letter it now.
            await self._dead_letter(item, dead, message, attempt, f"undecodable: {error}")
            return
        try:
            async with asyncio.timeout(item.timeout.total_seconds()):
                await self.handle(item, envelope)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the handler's failure is recorded on the message
            reason = f"{type(error).__name__}: {error}"
            log.warning(
                "event handler failed",
                consumer=item.name,
                message_id=str(envelope.id),
                type=envelope.type,
                attempt=attempt,
                error=reason,
            )
            if attempt >= item.max_attempts:
                await self._dead_letter(item, dead, message, attempt, reason)
            else:
                await self._retry(item, outgoing, message, attempt, reason)
            return
        await message.ack()

    async def handle(self, item: Consumer, envelope: Envelope) -> bool:
        """Handle `envelope` with `item` unless its inbox already holds it; returns
        whether the handler ran. The inbox row and the handler's writes commit together.
        """
        return bool(await self.handle_many(item, [envelope]))

    async def handle_many(self, item: Consumer, envelopes: list[Envelope]) -> int:
        """Handle, in one transaction, each of `envelopes` whose id the inbox does not
        hold yet (once each); returns how many the handler ran for. All or nothing."""
        async with self.database.session() as session:
            fresh = set(
                (
                    await session.execute(
                        insert(inbox)
                        .values(
                            [
                                {"consumer": item.name, "message_id": envelope.id}
                                for envelope in envelopes
                            ]
                        )
                        .on_conflict_do_nothing()
                        .returning(inbox.c.message_id)
                    )
                ).scalars()
            )
            handled = 0
            for envelope in envelopes:
                if envelope.id not in fresh:
                    continue
                fresh.discard(envelope.id)  # a duplicate within the batch runs once
                with attached_trace(envelope.trace):
                    await item.handler(envelope, session)
                handled += 1
        return handled

    async def _retry(
        self,
        item: Consumer,
        outgoing: AbstractChannel,
        message: AbstractIncomingMessage,
        attempt: int,
        reason: str,
    ) -> None:
        queue = consumer_queue_name(self.settings, self.service, item.name)
        delay = item.delay_before(attempt + 1)
        await outgoing.default_exchange.publish(
            _copy(message, {ATTEMPTS_HEADER: attempt, ERROR_HEADER: reason[:1000]}),
            retry_queue_name(queue, delay),
            mandatory=True,
        )
        await message.ack()

    async def _dead_letter(
        self,
        item: Consumer,
        dead: AbstractExchange,
        message: AbstractIncomingMessage,
        attempt: int,
        reason: str,
    ) -> None:
        log.error("event dead-lettered", consumer=item.name, attempts=attempt, error=reason)
        headers: dict[str, str | int] = {
            ATTEMPTS_HEADER: attempt,
            CONSUMER_HEADER: item.name,
            ERROR_HEADER: reason,
        }
        await dead.publish(_copy(message, headers), self.service, mandatory=True)
        await message.ack()


def _put(
    arrived: asyncio.Queue[AbstractIncomingMessage],
) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
    async def put(message: AbstractIncomingMessage) -> None:
        arrived.put_nowait(message)

    return put


def _copy(message: AbstractIncomingMessage, headers: dict[str, str | int]) -> aio_pika.Message:
    # Only our own headers travel: the broker's `x-death` history would grow every retry.
    return aio_pika.Message(
        message.body,
        message_id=message.message_id,
        type=message.type,
        content_type=message.content_type,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        headers=dict(headers),
    )
