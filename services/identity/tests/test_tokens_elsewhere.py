"""Another service (compute, in-process) verifies identity's tokens locally, with the
JWKS fetched from identity: valid tokens pass in both schemes; expired, revoked, forged
(other key, `alg: none`, HMAC with the public key) and service tokens do not."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter

from stackyard_common.app import create_service_app
from stackyard_common.auth import (
    CurrentUser,
    RemoteJwks,
    SigningKey,
    TokenVerifier,
    generate_signing_key_pem,
    install_token_verifier,
    issue_service_token,
    issue_token,
)


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/api/openstack-instances/")
    async def instances(user: CurrentUser) -> dict[str, Any]:
        return {"user": str(user.uuid), "username": user.username, "staff": user.is_staff}

    return router


class Counting(httpx.AsyncBaseTransport):
    """Identity's app as the JWKS server, counting the fetches."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await self.inner.handle_async_request(request)


@pytest.fixture(scope="module")
async def compute(identity: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Counting]]:
    settings = identity.settings
    app = create_service_app("compute", routers=[_router()], settings=settings)
    to_identity = Counting(httpx.ASGITransport(app=identity.app))
    async with LifespanManager(app) as manager:
        install_token_verifier(
            app,
            TokenVerifier(
                settings, RemoteJwks.from_settings(settings, transport=to_identity), app.state.redis
            ),
        )
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://compute") as client:
            yield client, to_identity


async def _status(client: httpx.AsyncClient, token: str, scheme: str = "Bearer") -> int:
    response = await client.get(
        "/api/openstack-instances/", headers={"Authorization": f"{scheme} {token}"}
    )
    return response.status_code


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_token_from_login_works_with_both_schemes(identity: Any, compute: Any) -> None:
    client, _ = compute
    login = await identity.client.post(
        "/api-auth/password/",
        json={"username": identity.people["staff"].username, "password": "correct horse battery"},
    )
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    for scheme in ("Bearer", "Token", "token"):
        response = await client.get(
            "/api/openstack-instances/", headers={"Authorization": f"{scheme} {token}"}
        )
        assert response.status_code == 200
        assert response.json() == {
            "user": str(identity.people["staff"].uuid),
            "username": identity.people["staff"].username,
            "staff": True,
        }


async def test_no_token_or_another_scheme_is_401(compute: Any, identity: Any) -> None:
    client, _ = compute
    assert (await client.get("/api/openstack-instances/")).status_code == 401
    token = identity.token(identity.people["plain"])
    assert await _status(client, token, scheme="Basic") == 401


async def test_expired_token_is_401(identity: Any, compute: Any) -> None:
    client, _ = compute
    user = identity.people["plain"]
    issued = issue_token(
        identity.keys.signing,
        identity.settings,
        user=user.uuid,
        username=user.username,
        is_staff=False,
        is_support=False,
        now=time.time() - identity.settings.auth.token_lifetime - 5,
    )
    response = await client.get(
        "/api/openstack-instances/", headers={"Authorization": f"Bearer {issued.token}"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has expired."}


async def test_logout_revokes_the_token_in_other_services(identity: Any, compute: Any) -> None:
    client, _ = compute
    token = identity.token(identity.people["project_member"])
    other = identity.token(identity.people["project_member"])
    assert await _status(client, token) == 200
    logout = await identity.client.post(
        "/api-auth/logout/", headers={"Authorization": f"Token {token}"}
    )
    assert logout.status_code == 204
    assert await _status(client, token) == 401
    assert await _status(client, other) == 200  # only the token logged out with


async def test_deactivation_revokes_every_token_of_the_user(identity: Any, compute: Any) -> None:
    client, _ = compute
    scenario = await identity.scenario()
    subject = scenario.subject
    token = identity.token(subject)
    assert await _status(client, token) == 200
    response = await identity.client.post(
        f"/api/users/{subject.uuid}/deactivate/", headers=identity.headers("staff")
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert await _status(client, token) == 401


async def test_a_token_signed_with_another_key_is_401(identity: Any, compute: Any) -> None:
    client, _ = compute
    user = identity.people["staff"]
    stranger = SigningKey.from_pem(generate_signing_key_pem())
    forged = issue_token(
        stranger, identity.settings, user=user.uuid, username="x", is_staff=True, is_support=False
    ).token
    assert await _status(client, forged) == 401
    # The same forgery claiming identity's key id fails on the signature.
    header = jwt.get_unverified_header(forged)
    claims = jwt.decode(forged, options={"verify_signature": False})
    relabelled = jwt.encode(
        claims,
        stranger.private_key,
        algorithm="EdDSA",
        headers={**header, "kid": identity.keys.signing.kid},
    )
    assert await _status(client, relabelled) == 401


async def test_alg_none_and_hmac_with_the_public_key_are_401(identity: Any, compute: Any) -> None:
    client, _ = compute
    user = identity.people["staff"]
    genuine = identity.token(user)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = identity.keys.signing.kid
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(claims)}."
    assert await _status(client, unsigned) == 401
    public = identity.keys.signing.public_jwk()["x"].encode()
    hmac = jwt.encode(claims, public, algorithm="HS256", headers={"kid": kid})
    assert await _status(client, hmac) == 401
    tampered_claims = {**claims, "sub": str(uuid.uuid4())}
    head, _, signature = genuine.split(".")
    tampered = f"{head}.{_b64(tampered_claims)}.{signature}"
    assert await _status(client, tampered) == 401


async def test_a_service_token_is_not_a_user_token(identity: Any, compute: Any) -> None:
    client, _ = compute
    assert await _status(client, issue_service_token(identity.settings, "compute")) == 401


async def test_jwks_is_cached_and_unknown_key_ids_do_not_flood_identity(
    identity: Any, compute: Any
) -> None:
    client, to_identity = compute
    assert await _status(client, identity.token(identity.people["plain"])) == 200
    before = to_identity.requests
    stranger = SigningKey.from_pem(generate_signing_key_pem())
    for _ in range(5):
        forged = issue_token(
            stranger,
            identity.settings,
            user=uuid.uuid4(),
            username="x",
            is_staff=True,
            is_support=False,
        ).token
        assert await _status(client, forged) == 401
    for _ in range(5):
        assert await _status(client, identity.token(identity.people["plain"])) == 200
    assert to_identity.requests - before <= 1
