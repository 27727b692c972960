"""Names and declarations of everything events need on the broker.

```
<exchange>                     topic; events are published with their type as routing key
<exchange>.<service>.<consumer>  durable queue per consumer, bound to its routing keys
<queue>.retry.<ms>             per consumer and delay: holds a failed message for <ms>,
                               then dead-letters it back to <queue> (backoff)
<exchange>.dead                direct dead-letter exchange
<exchange>.<service>.dead      the service's dead-letter queue (routing key: service),
                               where messages go after their last attempt
```
Retry queues carry their delay in their name, so changing a backoff declares new
queues instead of colliding with the arguments of old ones.
"""

from __future__ import annotations

from datetime import timedelta

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

from stackyard_common.settings import Settings

__all__ = [
    "ATTEMPTS_HEADER",
    "CONSUMER_HEADER",
    "ERROR_HEADER",
    "consumer_queue_name",
    "dead_exchange_name",
    "dead_queue_name",
    "declare_consumer_queue",
    "declare_dead_letters",
    "declare_events_exchange",
    "retry_delays",
    "retry_queue_name",
]

ATTEMPTS_HEADER = "x-stackyard-attempts"
CONSUMER_HEADER = "x-stackyard-consumer"
ERROR_HEADER = "x-stackyard-error"


def consumer_queue_name(settings: Settings, service: str, consumer: str) -> str:
    """The durable queue of `service`'s consumer `consumer`."""
    return f"{settings.amqp.exchange}.{service}.{consumer}"


def retry_queue_name(queue: str, delay: timedelta) -> str:
    """The queue where a message of `queue` waits `delay` before its next attempt."""
    return f"{queue}.retry.{round(delay.total_seconds() * 1000)}"


def dead_exchange_name(settings: Settings) -> str:
    """The dead-letter exchange."""
    return f"{settings.amqp.exchange}.dead"


def dead_queue_name(settings: Settings, service: str) -> str:
    """`service`'s dead-letter queue, which holds the messages of all its consumers."""
    return f"{settings.amqp.exchange}.{service}.dead"


def retry_delays(max_attempts: int, base: timedelta, cap: timedelta) -> list[timedelta]:
    """The wait before attempts 2..max_attempts: doubling from `base`, at most `cap`."""
    return [min(base * 2**index, cap) for index in range(max_attempts - 1)]


async def declare_events_exchange(channel: AbstractChannel, settings: Settings) -> AbstractExchange:
    """Declare (idempotently) the events exchange and return it."""
    return await channel.declare_exchange(
        settings.amqp.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )


async def declare_dead_letters(
    channel: AbstractChannel, settings: Settings, service: str
) -> AbstractQueue:
    """Declare the dead-letter exchange and `service`'s dead-letter queue bound to it."""
    exchange = await channel.declare_exchange(
        dead_exchange_name(settings), aio_pika.ExchangeType.DIRECT, durable=True
    )
    queue = await channel.declare_queue(dead_queue_name(settings, service), durable=True)
    await queue.bind(exchange, routing_key=service)
    return queue


async def declare_consumer_queue(
    channel: AbstractChannel,
    settings: Settings,
    service: str,
    consumer: str,
    routing_keys: list[str],
    delays: list[timedelta],
) -> AbstractQueue:
    """Declare a consumer's queue, its bindings, its retry queues and the dead letters.

    A message the consumer rejects outright goes to the dead-letter exchange natively.
    """
    exchange = await declare_events_exchange(channel, settings)
    await declare_dead_letters(channel, settings, service)
    name = consumer_queue_name(settings, service, consumer)
    queue = await channel.declare_queue(
        name,
        durable=True,
        arguments={
            "x-dead-letter-exchange": dead_exchange_name(settings),
            "x-dead-letter-routing-key": service,
        },
    )
    for key in routing_keys:
        await queue.bind(exchange, routing_key=key)
    for delay in delays:
        await channel.declare_queue(
            retry_queue_name(name, delay),
            durable=True,
            arguments={
                "x-message-ttl": round(delay.total_seconds() * 1000),
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": name,
            },
        )
    return queue
