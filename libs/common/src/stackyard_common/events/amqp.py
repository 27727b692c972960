"""One broker session at a time, re-established with backoff whenever it is lost."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from functools import partial

import aio_pika
import structlog
from aio_pika.abc import AbstractConnection

from stackyard_common.settings import Settings

__all__ = ["BACKOFF_CAP", "connect", "run_reconnecting"]

log = structlog.get_logger(__name__)

BACKOFF_START = 0.2
BACKOFF_CAP = 5.0


async def connect(settings: Settings, name: str) -> AbstractConnection:
    """A plain (not robust) connection: the caller owns recovery, see `run_reconnecting`."""
    return await aio_pika.connect(
        settings.amqp.url.get_secret_value(),
        timeout=10,
        client_properties={"connection_name": name},
    )


async def run_reconnecting(
    settings: Settings,
    name: str,
    session: Callable[[AbstractConnection], Awaitable[None]],
) -> None:
    """Run `session(connection)` forever: when the connection drops or `session` fails,
    close what is left, wait (doubling from 0.2 s to 5 s, with jitter) and start over.

    Returns only when cancelled. `session` should return only when its work is done
    for good; it is cancelled when the connection closes under it.
    """
    delay = BACKOFF_START
    while True:
        connection: AbstractConnection | None = None
        try:
            connection = await connect(settings, name)
            delay = BACKOFF_START
            lost = asyncio.Event()
            # aio-pika reports a connection lost under it through `close_callbacks` only.
            connection.close_callbacks.add(partial(_set_on_close, lost))
            work = asyncio.ensure_future(session(connection))
            closed = asyncio.ensure_future(lost.wait())
            try:
                await asyncio.wait({work, closed}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pending in (work, closed):
                    pending.cancel()
                await asyncio.gather(work, closed, return_exceptions=True)
            if work.done() and not work.cancelled() and work.exception() is None:
                return
            error = work.exception() if work.done() and not work.cancelled() else None
            log.warning("amqp session ended", name=name, error=repr(error))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # any failure is a reason to reconnect, not to stop
            log.warning("amqp connection failed", name=name, error=repr(error))
        finally:
            if connection is not None and not connection.is_closed:
                # Shielded: a cancelled worker must still hand its unacked messages back.
                await asyncio.shield(_close_quietly(connection))
        await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not crypto
        delay = min(delay * 2, BACKOFF_CAP)


def _set_on_close(event: asyncio.Event, _sender: object, _error: object = None) -> None:
    event.set()


async def _close_quietly(connection: AbstractConnection) -> None:
    try:
        await asyncio.wait_for(connection.close(), timeout=5)
    except Exception as error:  # closing a broken connection may fail; nothing to do
        log.debug("amqp close failed", error=repr(error))
