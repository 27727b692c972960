"""`Pools`: a cloud's connections kept in several small httpx pools rather than one.

httpcore walks every connection of a pool (with a readiness probe of each idle socket,
and a count of the idle ones per idle one) whenever a request enters or leaves it, so
its cost per call grows with the pool: about 2.5 ms of CPU per call with 32
connections, against 0.7 ms when the same 32 are spread over pools of 4. Each call
takes the pool with the fewest calls in flight, so every connection is used before any
pool makes a caller wait.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx

__all__ = ["POOL_SIZE", "Pools"]

POOL_SIZE = 4
"""Connections per pool."""


class Pools:
    """`connections` connections in pools of at most `POOL_SIZE`, each pool an
    `httpx.AsyncClient` made by `make(size)`; `single` keeps them in one pool (a
    transport given by a test need not be shared out)."""

    def __init__(
        self,
        connections: int,
        make: Callable[[int], httpx.AsyncClient],
        *,
        single: bool = False,
    ) -> None:
        count = 1 if single else math.ceil(connections / POOL_SIZE)
        size = math.ceil(connections / count)
        self.clients = [make(size) for _ in range(count)]
        self._in_flight = [0] * count

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        """The pool with the fewest calls in flight, counted busy until the block ends."""
        index = min(range(len(self.clients)), key=self._in_flight.__getitem__)
        self._in_flight[index] += 1
        try:
            yield self.clients[index]
        finally:
            self._in_flight[index] -= 1

    async def aclose(self) -> None:
        """Close every pool."""
        for client in self.clients:
            await client.aclose()
