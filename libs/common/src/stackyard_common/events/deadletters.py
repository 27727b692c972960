"""Dead letters: list them, and replay them to the consumer that gave up on them.

```
python -m stackyard_common.events.deadletters list <service> [--consumer NAME]
python -m stackyard_common.events.deadletters replay <service> [--consumer NAME] [--id UUID]
```
A replayed message goes back to its consumer's queue with its attempt count reset; its
inbox has no row for it (the failing handler's transaction rolled back), so it is
handled. Messages not chosen stay in the dead-letter queue, in their order.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from stackyard_common.events.amqp import connect
from stackyard_common.events.topology import (
    ATTEMPTS_HEADER,
    CONSUMER_HEADER,
    ERROR_HEADER,
    consumer_queue_name,
    declare_dead_letters,
)
from stackyard_common.settings import Settings, get_settings

__all__ = ["DeadLetter", "list_dead_letters", "main", "replay_dead_letters"]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message in a service's dead-letter queue, as an operator sees it."""

    message_id: str
    type: str
    consumer: str
    attempts: int
    error: str


def _describe(message: AbstractIncomingMessage) -> DeadLetter:
    headers = message.headers or {}
    return DeadLetter(
        message_id=message.message_id or "",
        type=message.type or "",
        consumer=str(headers.get(CONSUMER_HEADER, "")),
        attempts=int(str(headers.get(ATTEMPTS_HEADER, 0))),
        error=str(headers.get(ERROR_HEADER, "")),
    )


async def _visit(
    settings: Settings,
    service: str,
    consumer: str | None,
    message_id: str | None,
    replay: bool,
) -> list[DeadLetter]:
    chosen: list[DeadLetter] = []
    connection = await connect(settings, f"{service}-deadletters")
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        queue = await declare_dead_letters(channel, settings, service)
        count = queue.declaration_result.message_count or 0
        held: list[AbstractIncomingMessage] = []
        # Each message is taken once and held unacknowledged; the rest are handed back
        # when the channel closes, so the queue keeps them in order.
        for _ in range(count):
            message = await queue.get(no_ack=False, fail=False, timeout=5)
            if message is None:
                break
            held.append(message)
            letter = _describe(message)
            if consumer is not None and letter.consumer != consumer:
                continue
            if message_id is not None and letter.message_id != message_id:
                continue
            chosen.append(letter)
            if replay:
                await channel.default_exchange.publish(
                    aio_pika.Message(
                        message.body,
                        message_id=message.message_id,
                        type=message.type,
                        content_type=message.content_type,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    consumer_queue_name(settings, service, letter.consumer),
                    mandatory=True,
                )
                await message.ack()
        await channel.close()
    finally:
        await connection.close()
    return chosen


async def list_dead_letters(
    settings: Settings, service: str, consumer: str | None = None
) -> list[DeadLetter]:
    """The messages in `service`'s dead-letter queue (of `consumer` only, if given),
    oldest first; the queue is left as it was."""
    return await _visit(settings, service, consumer, None, replay=False)


async def replay_dead_letters(
    settings: Settings,
    service: str,
    consumer: str | None = None,
    message_id: str | None = None,
) -> list[DeadLetter]:
    """Send the chosen dead letters (all, or those of `consumer`, or the one with
    `message_id`) back to their consumers' queues; returns what was replayed.

    Each one leaves the dead-letter queue only after the broker confirmed its replay.
    """
    return await _visit(settings, service, consumer, message_id, replay=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `list` or `replay` a service's dead letters; prints one per line."""
    parser = argparse.ArgumentParser(prog="python -m stackyard_common.events.deadletters")
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("service")
    parser.add_argument("--consumer", default=None)
    parser.add_argument("--id", dest="message_id", default=None)
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.action == "list":
        letters = asyncio.run(list_dead_letters(settings, args.service, args.consumer))
    else:
        letters = asyncio.run(
            replay_dead_letters(settings, args.service, args.consumer, args.message_id)
        )
    for letter in letters:
        print(
            f"{letter.message_id}\t{letter.type}\t{letter.consumer}\t"
            f"attempts={letter.attempts}\t{letter.error}"
        )
    verb = "listed" if args.action == "list" else "replayed"
    print(f"{len(letters)} dead letter(s) {verb}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
