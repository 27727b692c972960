"""KeystoneAuth: one token per credential across tasks and processes, renewal, 401s, secrets."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
import structlog
from pydantic import SecretStr
from redis.asyncio import Redis

from stackyard_common.openstack import (
    CloudConfig,
    MemoryTokenCache,
    OpenStackClient,
    RedisTokenCache,
    Unauthorized,
    Unavailable,
    _tokens,
)
from stackyard_common.settings import RedisSettings

from .conftest import AUTH_URL, COMPUTE_URL, PASSWORD, FakeKeystone

Keystone = tuple[FakeKeystone, respx.MockRouter]

FLAVORS = {"flavors": [{"id": "f1", "name": "m1.small", "vcpus": 1, "ram": 512, "disk": 1}]}


def _flavors(router: respx.MockRouter, fake: FakeKeystone) -> respx.Route:
    """Nova's flavor list, answering 401 to any token but Keystone's latest."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("x-auth-token") != fake.current:
            return httpx.Response(401, json={"error": {"code": 401, "message": "expired"}})
        return httpx.Response(200, json=FLAVORS)

    return router.get(f"{COMPUTE_URL}/flavors/detail").mock(side_effect=answer)


async def test_one_token_for_sequential_calls(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    route = _flavors(router, fake)
    async with OpenStackClient(cloud_config) as cloud:
        for _ in range(5):
            assert [f.name for f in await cloud.compute.list_flavors()] == ["m1.small"]
    assert len(fake.issued) == 1
    assert route.call_count == 5
    assert route.calls.last.request.headers["x-auth-token"] == fake.current


async def test_hundred_concurrent_callers_cause_one_token_request(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    _flavors(router, fake)
    async with OpenStackClient(cloud_config) as cloud:
        await asyncio.gather(*(cloud.compute.list_flavors() for _ in range(100)))
    assert len(fake.issued) == 1


async def test_clients_share_the_token_through_redis(
    keystone: Keystone, cloud_config: CloudConfig, redis: Redis, redis_settings: RedisSettings
) -> None:
    fake, router = keystone
    route = _flavors(router, fake)
    # Four clients with caches of their own stand for four processes.
    clients = [
        OpenStackClient(cloud_config, token_cache=RedisTokenCache(redis, redis_settings))
        for _ in range(4)
    ]
    try:
        await asyncio.gather(*(c.compute.list_flavors() for c in clients for _ in range(25)))
    finally:
        for client in clients:
            await client.aclose()
    assert len(fake.issued) == 1
    assert route.call_count == 100

    key = redis_settings.key("openstack", "token", cloud_config.credentials_digest())
    stored = await redis.get(key)
    assert stored is not None
    assert fake.current.encode() in stored
    assert PASSWORD.encode() not in stored
    assert PASSWORD not in key
    # Kept for the token's life (1 h here), not for 10 h.
    assert 3500 < await redis.ttl(key) <= 3600
    await redis.delete(key)


async def test_redis_keeps_a_long_token_for_ten_hours_at_most(
    keystone: Keystone, cloud_config: CloudConfig, redis: Redis, redis_settings: RedisSettings
) -> None:
    fake, router = keystone
    fake.lifetime = timedelta(hours=24)
    _flavors(router, fake)
    config = cloud_config.model_copy(update={"username": "long-lived"})
    cache = RedisTokenCache(redis, redis_settings)
    async with OpenStackClient(config, token_cache=cache) as cloud:
        await cloud.compute.list_flavors()
    key = cache.key(config.credentials_digest())
    assert 10 * 3600 - 60 < await redis.ttl(key) <= 10 * 3600
    await redis.delete(key)


async def test_a_token_about_to_expire_is_renewed_before_use(
    keystone: Keystone, cloud_config: CloudConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, router = keystone
    fake.lifetime = timedelta(hours=1)
    route = _flavors(router, fake)
    offset = timedelta()

    def shifted_now() -> datetime:
        return datetime.now(UTC) + offset

    monkeypatch.setattr(_tokens, "_now", shifted_now)
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.list_flavors()
        offset = timedelta(minutes=49)  # 11 minutes left: still good
        await cloud.compute.list_flavors()
        assert len(fake.issued) == 1
        offset = timedelta(minutes=50, seconds=30)  # 9.5 minutes left: renew first
        await cloud.compute.list_flavors()
    assert len(fake.issued) == 2
    # Renewed before the call, so no call was refused.
    assert route.call_count == 3


async def test_a_short_lived_token_is_not_renewed_on_every_call(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    fake.lifetime = timedelta(minutes=5)
    _flavors(router, fake)
    async with OpenStackClient(cloud_config) as cloud:
        for _ in range(3):
            await cloud.compute.list_flavors()
    assert len(fake.issued) == 1


async def test_a_revoked_token_is_renewed_once_and_the_call_repeated_once(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    route = _flavors(router, fake)
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.list_flavors()
        old = fake.current
        fake.issued.append("revoked-elsewhere")  # the cloud no longer accepts `old`
        # Keystone's next token is what the cloud will accept.
        flavors = await cloud.compute.list_flavors()
    assert [f.id for f in flavors] == ["f1"]
    # Initial token, the marker above, and exactly one renewal.
    assert len(fake.issued) == 3
    assert route.call_count == 3
    assert route.calls[1].request.headers["x-auth-token"] == old
    assert route.calls[2].request.headers["x-auth-token"] == fake.current


async def test_a_token_refused_twice_raises_unauthorized(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    route = router.get(f"{COMPUTE_URL}/flavors/detail").mock(
        return_value=httpx.Response(
            401,
            json={
                "error": {
                    "code": 401,
                    "message": "The request you have made requires authentication.",
                }
            },
            headers={"x-openstack-request-id": "req-401"},
        )
    )
    async with OpenStackClient(cloud_config) as cloud:
        with pytest.raises(Unauthorized) as caught:
            await cloud.compute.list_flavors()
    assert len(fake.issued) == 2
    assert route.call_count == 2
    assert caught.value.request_id == "req-401"
    assert caught.value.service == "compute"


async def test_concurrent_refusals_renew_once(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    _flavors(router, fake)
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.list_flavors()
        fake.issued.append("revoked-elsewhere")
        await asyncio.gather(*(cloud.compute.list_flavors() for _ in range(30)))
    assert len(fake.issued) == 3


async def test_a_token_renewed_by_another_process_is_adopted(
    keystone: Keystone, cloud_config: CloudConfig, redis: Redis, redis_settings: RedisSettings
) -> None:
    fake, router = keystone
    _flavors(router, fake)
    config = cloud_config.model_copy(update={"username": "adopter"})
    first = OpenStackClient(config, token_cache=RedisTokenCache(redis, redis_settings))
    second = OpenStackClient(config, token_cache=RedisTokenCache(redis, redis_settings))
    try:
        await first.compute.list_flavors()
        await second.compute.list_flavors()
        fake.issued.append("revoked-elsewhere")
        await first.compute.list_flavors()  # refused, renews through Keystone
        await second.compute.list_flavors()  # refused, finds the renewed token in Redis
    finally:
        await first.aclose()
        await second.aclose()
    assert len(fake.issued) == 3
    await redis.delete(RedisTokenCache(redis, redis_settings).key(config.credentials_digest()))


async def test_an_unreachable_redis_does_not_stop_the_client(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, router = keystone
    _flavors(router, fake)
    broken = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    router.route(host="127.0.0.1").pass_through()
    async with OpenStackClient(cloud_config, token_cache=RedisTokenCache(broken)) as cloud:
        await asyncio.gather(*(cloud.compute.list_flavors() for _ in range(5)))
    await broken.aclose()
    assert len(fake.issued) == 1


async def test_secrets_never_reach_logs_exceptions_or_cache_keys(
    keystone: Keystone, cloud_config: CloudConfig, caplog: pytest.LogCaptureFixture
) -> None:
    fake, router = keystone
    _flavors(router, fake)
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as events:
        async with OpenStackClient(cloud_config) as cloud:
            await cloud.compute.list_flavors()
            fake.issued.append("revoked-elsewhere")
            await cloud.compute.list_flavors()
            fake.refuse = True
            fake.issued.append("revoked-again")
            with pytest.raises(Unauthorized) as caught:
                await cloud.compute.list_flavors()
    assert caught.value.request_id == "req-keystone-1"
    assert caught.value.service == "identity"
    issued = [token for token in fake.issued if token.startswith("gAAAA")]
    assert len(issued) == 2
    # Keystone was sent the password, so the test would see a leak of it.
    assert fake.bodies[0]["auth"]["identity"]["password"]["user"]["password"] == PASSWORD
    texts = [
        str(caught.value),
        repr(caught.value),
        repr(cloud_config),
        str(cloud_config.model_dump()),
        caplog.text,
        repr(events),
        cloud_config.credentials_digest(),
    ]
    assert any("openstack.token_issued" in repr(e) for e in events)
    for text in texts:
        assert PASSWORD not in text
        for token in issued:
            assert token not in text


async def test_wrong_password_raises_unauthorized_from_keystone(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    fake, _ = keystone
    fake.refuse = True
    config = cloud_config.model_copy(update={"password": SecretStr("wrong")})
    async with OpenStackClient(config) as cloud:
        with pytest.raises(Unauthorized) as caught:
            await cloud.compute.list_flavors()
    assert caught.value.url == f"{AUTH_URL}/auth/tokens"
    assert "wrong" not in str(caught.value)
    assert len(fake.bodies) == 1  # a refused password is not retried


async def test_keystone_unreachable_is_unavailable(cloud_config: CloudConfig) -> None:
    with respx.mock() as router:
        route = router.post(f"{AUTH_URL}/auth/tokens").mock(side_effect=httpx.ConnectError("down"))
        async with OpenStackClient(cloud_config) as cloud:
            with pytest.raises(Unavailable):
                await cloud.compute.list_flavors()
    assert route.call_count == cloud_config.retry.attempts


def test_the_credentials_digest_depends_on_every_credential(cloud_config: CloudConfig) -> None:
    digest = cloud_config.credentials_digest()
    assert len(digest) == 64
    for change in (
        {"password": SecretStr("other")},
        {"username": "other"},
        {"project_name": "other"},
        {"auth_url": "http://other.test/identity"},
        {"user_domain_name": "other"},
    ):
        assert cloud_config.model_copy(update=change).credentials_digest() != digest
    # Limits are not credentials: changing them keeps the shared token.
    assert cloud_config.model_copy(update={"timeout": 5.0}).credentials_digest() == digest


def test_auth_bodies_for_each_scope(cloud_config: CloudConfig) -> None:
    body = cloud_config.auth_body()["auth"]
    assert body["scope"] == {"project": {"name": "admin", "domain": {"name": "Default"}}}  # type: ignore[index]
    by_id = CloudConfig(
        auth_url=AUTH_URL, username="u", password=SecretStr("p"), project_id="p1"
    ).auth_body()["auth"]
    assert by_id["scope"] == {"project": {"id": "p1"}}  # type: ignore[index]
    domain = CloudConfig(
        auth_url=AUTH_URL, username="u", password=SecretStr("p"), domain_name="Default"
    ).auth_body()["auth"]
    assert domain["scope"] == {"domain": {"name": "Default"}}  # type: ignore[index]
    with pytest.raises(ValueError, match="not both"):
        CloudConfig(
            auth_url=AUTH_URL,
            username="u",
            password=SecretStr("p"),
            project_id="p",
            domain_id="d",
        )


async def test_memory_cache_drops_tokens_past_their_time() -> None:
    cache = MemoryTokenCache()
    assert await cache.get("nothing") is None
