"""Logging in: tokens for right passwords, one answer for every wrong one, and a
growing lock-out after repeated failures, per username and per address."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from stackyard_identity.auth.throttle import LoginThrottle, TooManyAttempts

PASSWORD = "correct horse battery"


@pytest.fixture
async def from_address(identity: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client with an address of its own, so throttling never spills across tests."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    transport = httpx.ASGITransport(app=identity.app, client=(address, 4242))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api-auth/password/", json={"username": username, "password": password}
    )


async def test_login_answers_a_signed_token_with_the_documented_claims(
    identity: Any, from_address: httpx.AsyncClient
) -> None:
    user = identity.people["support"]
    response = await _login(from_address, user.username, PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == identity.keys.signing.kid
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == str(user.uuid)
    assert claims["is_support"] is True
    assert claims["is_staff"] is False
    assert claims["exp"] - claims["iat"] == identity.settings.auth.token_lifetime
    assert set(claims) >= {"sub", "exp", "iat", "jti", "iss", "username"}
    me = await from_address.get("/api/users/me/", headers={"Authorization": f"Token {token}"})
    assert me.json()["username"] == user.username


async def test_unknown_user_wrong_password_and_inactive_user_answer_alike(
    identity: Any, from_address: httpx.AsyncClient
) -> None:
    scenario = await identity.scenario()
    await identity.client.post(
        f"/api/users/{scenario.spare.uuid}/password/",
        json={"password": PASSWORD},
        headers=identity.headers("staff"),
    )
    await identity.client.post(
        f"/api/users/{scenario.spare.uuid}/deactivate/", headers=identity.headers("staff")
    )
    answers = [
        await _login(from_address, f"nobody-{uuid.uuid4().hex}", PASSWORD),
        await _login(from_address, identity.people["plain"].username, "wrong password"),
        await _login(from_address, scenario.spare.username, PASSWORD),
    ]
    assert {(answer.status_code, answer.text) for answer in answers} == {
        (401, '{"detail":"Invalid username or password."}')
    }


@pytest.mark.parametrize("exists", [True, False], ids=["existing-user", "unknown-user"])
async def test_repeated_failures_lock_the_username_with_a_growing_retry_after(
    identity: Any, from_address: httpx.AsyncClient, exists: bool
) -> None:
    scenario = await identity.scenario()
    username = scenario.spare.username if exists else f"ghost-{uuid.uuid4().hex[:8]}"
    if exists:
        await identity.client.post(
            f"/api/users/{scenario.spare.uuid}/password/",
            json={"password": PASSWORD},
            headers=identity.headers("staff"),
        )
    limit = identity.settings.auth.login_max_failures
    for _ in range(limit):
        assert (await _login(from_address, username, "wrong")).status_code == 401
    locked = await _login(from_address, username, PASSWORD)  # even the right password
    assert locked.status_code == 429
    first_wait = int(locked.headers["Retry-After"])
    assert 1 <= first_wait <= identity.settings.auth.login_backoff_base + 1
    # The lock expires; one more failure locks for twice as long.
    redis = identity.app.state.redis
    keys = [key async for key in redis.scan_iter(match="*:auth:login:lock:user:*")]
    await redis.delete(*keys)
    assert (await _login(from_address, username, "wrong")).status_code == 401
    second = await _login(from_address, username, "wrong")
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) > first_wait
    # Another address is not locked for a different, correct user.
    other = identity.people["plain"].username
    transport = httpx.ASGITransport(app=identity.app, client=("192.0.2.77", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as elsewhere:
        assert (await _login(elsewhere, other, PASSWORD)).status_code == 200


async def test_one_address_failing_across_many_usernames_is_locked(identity: Any) -> None:
    # Straight at the throttle: twenty password hashes over HTTP would only cost time.
    throttle = LoginThrottle(identity.app.state.redis, identity.settings)
    address = f"198.51.100.{uuid.uuid4().int % 250}"
    for index in range(identity.settings.auth.login_max_failures_per_ip):
        await throttle.check(f"spray-{index}", address)
        await throttle.failed(f"spray-{index}", address)
    with pytest.raises(TooManyAttempts) as raised:
        await throttle.check(identity.people["plain"].username, address)
    assert raised.value.retry_after >= 1
    await throttle.check(identity.people["plain"].username, "198.51.100.251")


async def test_user_may_change_own_password_and_log_in_with_it(
    identity: Any, from_address: httpx.AsyncClient
) -> None:
    scenario = await identity.scenario()
    await identity.client.post(
        f"/api/users/{scenario.spare.uuid}/password/",
        json={"password": PASSWORD},
        headers=identity.headers("staff"),
    )
    token = (await _login(from_address, scenario.spare.username, PASSWORD)).json()["token"]
    own = await from_address.post(
        f"/api/users/{scenario.spare.uuid}/password/",
        json={"password": "brand new secret"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert own.status_code == 204
    assert (await _login(from_address, scenario.spare.username, PASSWORD)).status_code == 401
    fresh = await _login(from_address, scenario.spare.username, "brand new secret")
    assert fresh.status_code == 200
    flags = await from_address.patch(
        f"/api/users/{scenario.spare.uuid}/",
        json={"is_staff": True},
        headers={"Authorization": f"Bearer {fresh.json()['token']}"},
    )
    assert flags.status_code == 403
