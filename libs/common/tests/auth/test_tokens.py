"""Token verification, JWKS fetching, service tokens and the secret box, without HTTP
to a real identity (its JWKS is served by a mock transport)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from redis.asyncio import Redis

from stackyard_common.api import NotAuthenticated, ServiceUnavailable
from stackyard_common.auth import (
    LocalKeys,
    RemoteJwks,
    SigningKey,
    TokenVerifier,
    bearer_token,
    generate_signing_key_pem,
    issue_service_token,
    issue_token,
    jwks_document,
    revoke_token,
    verify_service_token,
)
from stackyard_common.crypto import DecryptionFailed, SecretBox, generate_key
from stackyard_common.settings import Settings


@pytest.fixture
async def redis(platform_settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(platform_settings.redis.url.get_secret_value())
    yield client
    await client.aclose()


def _rsa_key() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey.from_pem(pem.decode())


def _token(key: SigningKey, settings: Settings, now: float | None = None) -> str:
    return issue_token(
        key, settings, user=uuid.uuid4(), username="u", is_staff=False, is_support=False, now=now
    ).token


async def test_rsa_and_ed25519_keys_both_verify_and_do_not_stand_in_for_each_other(
    platform_settings: Settings, redis: Redis
) -> None:
    ed, rs = SigningKey.from_pem(generate_signing_key_pem()), _rsa_key()
    assert (ed.algorithm, rs.algorithm) == ("EdDSA", "RS256")
    only_ed = TokenVerifier(platform_settings, LocalKeys([ed]), redis)
    both = TokenVerifier(platform_settings, LocalKeys([ed, rs]), redis)
    assert (await both.verify(_token(rs, platform_settings))).username == "u"
    assert (await both.verify(_token(ed, platform_settings))).username == "u"
    with pytest.raises(NotAuthenticated):
        await only_ed.verify(_token(rs, platform_settings))


async def test_revoked_expired_wrong_issuer_and_garbage_are_refused(
    platform_settings: Settings, redis: Redis
) -> None:
    key = SigningKey.from_pem(generate_signing_key_pem())
    verifier = TokenVerifier(platform_settings, LocalKeys([key]), redis)
    issued = issue_token(
        key, platform_settings, user=uuid.uuid4(), username="u", is_staff=True, is_support=False
    )
    assert (await verifier.verify(issued.token)).is_staff
    await revoke_token(redis, platform_settings, issued.jti, issued.expires_at)
    with pytest.raises(NotAuthenticated, match="revoked"):
        await verifier.verify(issued.token)
    with pytest.raises(NotAuthenticated, match="expired"):
        await verifier.verify(_token(key, platform_settings, now=time.time() - 10**6))
    foreign = platform_settings.model_copy(
        update={"auth": platform_settings.auth.model_copy(update={"issuer": "someone-else"})}
    )
    with pytest.raises(NotAuthenticated):
        await verifier.verify(_token(key, foreign))
    for garbage in ("", "abc", "a.b.c", _token(key, platform_settings)[:-4] + "AAAA"):
        with pytest.raises(NotAuthenticated):
            await verifier.verify(garbage)


async def test_remote_jwks_refreshes_for_a_rotated_key(
    platform_settings: Settings, redis: Redis
) -> None:
    old, new = SigningKey.from_pem(generate_signing_key_pem()), _rsa_key()
    published = [old]
    fetches = []

    def serve(request: httpx.Request) -> httpx.Response:
        fetches.append(request.url.path)
        return httpx.Response(200, json=jwks_document(published))

    source = RemoteJwks("http://identity/api/identity/jwks/", transport=httpx.MockTransport(serve))
    verifier = TokenVerifier(platform_settings, source, redis)
    await verifier.verify(_token(old, platform_settings))
    await verifier.verify(_token(old, platform_settings))
    assert len(fetches) == 1
    published.append(new)
    source._attempted_at = 0  # as if the refresh interval had passed
    await verifier.verify(_token(new, platform_settings))
    assert len(fetches) == 2


async def test_remote_jwks_unreachable_without_cached_keys_is_503(
    platform_settings: Settings, redis: Redis
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    source = RemoteJwks("http://identity/jwks", transport=httpx.MockTransport(down))
    verifier = TokenVerifier(platform_settings, source, redis)
    key = SigningKey.from_pem(generate_signing_key_pem())
    with pytest.raises(ServiceUnavailable):
        await verifier.verify(_token(key, platform_settings))


def test_authorization_header_schemes() -> None:
    assert bearer_token(None) is None
    assert bearer_token("Token abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    for bad in ("Basic abc", "Bearer", "Bearer a b", "abc"):
        with pytest.raises(NotAuthenticated):
            bearer_token(bad)


def test_service_tokens_name_their_service_and_refuse_anything_else(
    platform_settings: Settings,
) -> None:
    assert (
        verify_service_token(platform_settings, issue_service_token(platform_settings, "compute"))
        == "compute"
    )
    with pytest.raises(NotAuthenticated):
        verify_service_token(platform_settings, issue_service_token(platform_settings, "intruder"))
    other = platform_settings.model_copy(
        update={"database": platform_settings.database.model_copy(update={"name": "another"})}
    )
    with pytest.raises(NotAuthenticated):
        verify_service_token(platform_settings, issue_service_token(other, "compute"))
    key = SigningKey.from_pem(generate_signing_key_pem())
    with pytest.raises(NotAuthenticated):
        verify_service_token(platform_settings, _token(key, platform_settings))


def test_secret_box_encrypts_rotates_and_refuses_foreign_ciphertext() -> None:
    old_key, new_key = generate_key(), generate_key()
    old = SecretBox([old_key])
    ciphertext = old.encrypt("hunter2")
    assert "hunter2" not in ciphertext
    rotated_box = SecretBox.from_setting(f"{new_key}, {old_key}")
    assert rotated_box.decrypt(ciphertext) == "hunter2"
    rotated = rotated_box.rotate(ciphertext)
    assert SecretBox([new_key]).decrypt(rotated) == "hunter2"
    with pytest.raises(DecryptionFailed):
        SecretBox([generate_key()]).decrypt(ciphertext)
