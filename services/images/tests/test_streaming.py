"""`UploadStream`: re-cuts, counts and hashes what passes, and stops a body that runs
past its announced length."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator

import pytest

from stackyard_images.uploads.streaming import LengthMismatch, UploadStream


async def _source(data: bytes, sizes: list[int]) -> AsyncIterator[bytes]:
    start = 0
    for size in sizes:
        yield data[start : start + size]
        start += size


async def test_chunks_are_small_in_order_and_hashed_on_the_way() -> None:
    data = os.urandom(100_000)
    sizes = [1, 7000, 65536, 27463]
    stream = UploadStream(_source(data, sizes), len(data), chunk_size=16 * 1024)
    chunks = [chunk async for chunk in stream]
    assert b"".join(chunks) == data
    assert all(len(chunk) == 16 * 1024 for chunk in chunks[:-1])
    assert stream.received == len(data)
    assert stream.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert stream.sha512 == hashlib.sha512(data).hexdigest()


async def test_a_body_past_its_length_stops_at_once() -> None:
    data = b"a" * 30_000
    stream = UploadStream(_source(data, [10_000] * 3), 25_000, chunk_size=8 * 1024)
    passed: list[bytes] = []

    async def drain() -> None:
        async for chunk in stream:
            passed.append(chunk)

    with pytest.raises(LengthMismatch):
        await drain()
    assert sum(map(len, passed)) <= 25_000


async def test_without_sha512_only_md5_is_computed() -> None:
    data = os.urandom(50_000)
    stream = UploadStream(_source(data, [50_000]), len(data), 8 * 1024, with_sha512=False)
    assert b"".join([chunk async for chunk in stream]) == data
    assert stream.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert stream.sha512 is None
