"""The upload's body on its way to Glance: re-cut into small chunks, counted and hashed
as it passes, never held whole.

    client ─▶ gateway ─▶ request.stream() ─▶ UploadStream ─▶ httpx ─▶ Glance PUT .../file
                         (ASGI messages)     (≤ chunk_size,  (one chunk
                                              MD5 + SHA-512)  in flight)

At most one chunk (plus the ASGI message being read) is in memory at a time, so memory
does not grow with the image. Hashing runs in a thread (hashlib releases the GIL), so
the event loop keeps moving bytes while a chunk is hashed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LengthMismatch", "UploadStream"]


class LengthMismatch(Exception):
    """The body was longer than its Content-Length said."""


def _hash(digests: tuple[Any, ...], chunk: bytes) -> None:
    for digest in digests:
        digest.update(chunk)


@dataclass
class UploadStream:
    """`source`'s bytes in chunks of `chunk_size` (the last one shorter), with their count
    (`received`) and digests (`md5`, `sha512`) kept up to date as they pass; raises
    `LengthMismatch` as soon as more than `expected` bytes arrive. Without `sha512` only
    the MD5 is computed (`sha512` is then None)."""

    source: AsyncIterator[bytes]
    expected: int
    chunk_size: int
    with_sha512: bool = True
    received: int = 0
    _md5: Any = field(default_factory=lambda: hashlib.md5(usedforsecurity=False))
    _sha512: Any = None

    def __post_init__(self) -> None:
        if self.with_sha512:
            self._sha512 = hashlib.sha512()

    @property
    def _digests(self) -> tuple[Any, ...]:
        return (self._md5,) if self._sha512 is None else (self._md5, self._sha512)

    @property
    def md5(self) -> str:
        """Hex MD5 of what passed (Glance's `checksum`)."""
        return str(self._md5.hexdigest())

    @property
    def sha512(self) -> str | None:
        """Hex SHA-512 of what passed (Glance's `os_hash_value` with `sha512`)."""
        return None if self._sha512 is None else str(self._sha512.hexdigest())

    async def __aiter__(self) -> AsyncIterator[bytes]:
        buffer = bytearray()
        hashing: asyncio.Future[None] | None = None
        async for piece in self.source:
            self.received += len(piece)
            if self.received > self.expected:
                raise LengthMismatch(f"more than the announced {self.expected} bytes")
            buffer += piece
            while len(buffer) >= self.chunk_size:
                chunk = bytes(buffer[: self.chunk_size])
                del buffer[: self.chunk_size]
                hashing = await self._hash_after(hashing, chunk)
                yield chunk
        if hashing is not None:
            await hashing
        if buffer:
            chunk = bytes(buffer)
            _hash(self._digests, chunk)
            yield chunk

    async def _hash_after(
        self, previous: asyncio.Future[None] | None, chunk: bytes
    ) -> asyncio.Future[None]:
        # Digests must see chunks in order: the next hash starts once the previous ends,
        # while the previous chunk is already on its way to Glance.
        if previous is not None:
            await previous
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(None, _hash, self._digests, chunk)
