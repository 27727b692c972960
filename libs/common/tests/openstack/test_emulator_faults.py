"""The client under faults, over HTTP against a real emulator process: revoked tokens,
503 bursts, dropped connections, slow answers, many concurrent callers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from stackyard_common.openstack import (
    MemoryTokenCache,
    OpenStackClient,
    Timeout,
    Unauthorized,
    Unavailable,
)

from .conftest import Emulator

pytestmark = pytest.mark.system


@pytest.fixture
async def cloud(emulator: Emulator) -> AsyncIterator[OpenStackClient]:
    async with OpenStackClient(emulator.config(name="faults")) as client:
        yield client


def _name(kind: str) -> str:
    return f"test-{kind}-{uuid.uuid4().hex[:8]}"


async def test_revoked_tokens_are_renewed_once(emulator: Emulator) -> None:
    cache = MemoryTokenCache()
    async with OpenStackClient(emulator.config(name="revoked"), token_cache=cache) as cloud:
        await cloud.compute.list_flavors()
        assert cloud.session.auth.token_requests == 1
        response = httpx.post(f"{emulator.url}/_emulator/revoke-tokens", timeout=5)
        assert response.status_code < 300
        await cloud.compute.list_flavors()
        assert cloud.session.auth.token_requests == 2


async def test_many_calls_refused_at_once_renew_the_token_without_waiting_on_each_other(
    emulator: Emulator,
) -> None:
    # Each refused call keeps its connection while it waits for the new token: the
    # token request must not need one of theirs.
    config = emulator.config(name="revoked-many", max_concurrency=32)
    async with OpenStackClient(config, token_cache=MemoryTokenCache()) as cloud:
        await cloud.compute.list_flavors()
        response = httpx.post(f"{emulator.url}/_emulator/revoke-tokens", timeout=5)
        assert response.status_code < 300
        async with asyncio.timeout(20):
            await asyncio.gather(*(cloud.compute.list_flavors() for _ in range(32)))
        assert cloud.session.auth.token_requests == 2


async def test_a_wrong_password_is_unauthorized(emulator: Emulator) -> None:
    config = emulator.config(password=SecretStr("not-the-password"))
    async with OpenStackClient(config) as cloud:
        with pytest.raises(Unauthorized) as caught:
            await cloud.network.list_networks()
    assert "not-the-password" not in str(caught.value)


async def _fault(emulator: Emulator, **rule: object) -> None:
    async with httpx.AsyncClient() as control:
        response = await control.post(f"{emulator.url}/_emulator/faults", json=rule)
        assert response.status_code == 201, response.text


@pytest.fixture
async def no_faults(emulator: Emulator) -> AsyncIterator[None]:
    yield
    async with httpx.AsyncClient() as control:
        await control.delete(f"{emulator.url}/_emulator/faults")


async def _token_requests(emulator: Emulator) -> int:
    async with httpx.AsyncClient() as control:
        counters = (await control.get(f"{emulator.url}/_emulator/counters")).json()["counters"]
    return sum(n for route, n in counters.items() if "POST" in route and "auth/tokens" in route)


@pytest.mark.usefixtures("no_faults")
async def test_503_bursts_and_dropped_connections_are_ridden_out(
    cloud: OpenStackClient, emulator: Emulator
) -> None:
    await cloud.compute.list_flavors()
    await _fault(
        emulator,
        service="compute",
        method="GET",
        path_regex="flavors",
        status=503,
        error_rate=1.0,
        count=2,
    )
    assert await cloud.compute.list_flavors()
    await _fault(
        emulator,
        service="network",
        method="GET",
        path_regex="networks",
        drop_connection=True,
        count=1,
    )
    assert await cloud.network.list_networks()
    await _fault(
        emulator,
        service="compute",
        method="GET",
        path_regex="flavors",
        status=503,
        error_rate=1.0,
        count=10,
    )
    with pytest.raises(Unavailable) as caught:
        await cloud.compute.list_flavors()
    assert caught.value.status == 503


@pytest.mark.usefixtures("no_faults")
async def test_a_post_is_not_repeated_after_a_dropped_connection(
    cloud: OpenStackClient, emulator: Emulator
) -> None:
    name = _name("once")
    await _fault(
        emulator,
        service="network",
        method="POST",
        path_regex="networks",
        drop_connection=True,
        count=1,
    )
    with pytest.raises(Unavailable):
        await cloud.network.create_network(name)
    # The saga's way: look first, then create with retries allowed.
    assert await cloud.network.find_network(name=name) is None
    created = await cloud.network.create_network(name, retry_safe=True)
    await cloud.network.delete_network(created.id)


@pytest.mark.usefixtures("no_faults")
async def test_slow_answers_time_out(emulator: Emulator) -> None:
    await _fault(emulator, service="image", method="GET", latency_ms=1500, count=1)
    async with OpenStackClient(emulator.config(name="slow", timeout=0.5)) as cloud:
        with pytest.raises(Timeout):
            await cloud.image.list_images()


async def test_many_concurrent_callers_cause_one_token_request(emulator: Emulator) -> None:
    before = await _token_requests(emulator)
    async with OpenStackClient(emulator.config(name="crowd")) as cloud:
        await asyncio.gather(*(cloud.compute.list_flavors() for _ in range(50)))
    assert await _token_requests(emulator) - before == 1


@pytest.mark.usefixtures("no_faults")
async def test_retry_after_from_the_cloud_is_waited_out(
    cloud: OpenStackClient, emulator: Emulator
) -> None:
    await cloud.compute.list_flavors()  # token and catalog first, so only the retries are timed
    await _fault(
        emulator,
        service="compute",
        method="GET",
        path_regex="flavors",
        status=429,
        error_rate=1.0,
        retry_after=1,
        count=2,
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    flavors = await cloud.compute.list_flavors()
    elapsed = loop.time() - started
    assert flavors
    # Two 429s, each with Retry-After: 1; the own backoff (at most 0.2 s) alone is far less.
    assert elapsed >= 2.0
    assert elapsed < 5.0


@pytest.mark.usefixtures("no_faults")
async def test_spent_retries_report_the_clouds_request_id(
    cloud: OpenStackClient, emulator: Emulator
) -> None:
    await _fault(
        emulator,
        service="compute",
        method="GET",
        path_regex="flavors",
        status=503,
        error_rate=1.0,
        count=3,
    )
    with pytest.raises(Unavailable) as caught:
        await cloud.compute.list_flavors()
    assert caught.value.request_id is not None
    assert caught.value.request_id.startswith("req-")
