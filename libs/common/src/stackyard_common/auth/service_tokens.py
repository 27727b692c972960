"""Service-to-service calls: short-lived tokens that name the calling service.

A service token is an HS256 JWT with claims `svc` (the caller's name), `aud`
(`stackyard-internal`), `iat`, `exp` (one minute) and `jti`, signed with the platform's
service secret. It is sent as `Authorization: Bearer <token>` to internal endpoints,
which the gateway never routes. User tokens are never accepted there, and a service token
is never accepted as a user's (different algorithm, key and audience).

Besides the services, `OPERATOR` may call: the `stackyard` command run by an operator on
a platform host (it holds the same settings, so the same secret); audit records then name
the operator's command rather than a service.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Depends, Request, Security

from stackyard_common.api.errors import NotAuthenticated
from stackyard_common.auth.dependencies import authorization_header, bearer_token
from stackyard_common.settings import Settings
from stackyard_common.topology import SERVICES

__all__ = [
    "OPERATOR",
    "SERVICE_AUDIENCE",
    "ServiceCaller",
    "issue_service_token",
    "service_secret",
    "verify_service_token",
]

SERVICE_AUDIENCE = "stackyard-internal"
OPERATOR = "operator"
SERVICE_TOKEN_LIFETIME = 60
_ALGORITHM = "HS256"


def service_secret(settings: Settings) -> bytes:
    """The key of service tokens: the configured secret, or (outside production, where
    settings refuse to start without one) a key derived from what every process of the
    platform already shares: the database password and the database's name."""
    if settings.auth.service_secret is not None:
        return settings.auth.service_secret.get_secret_value().encode()
    material = settings.database.password.get_secret_value().encode()
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=f"{settings.database.name}/{settings.database.role_prefix}".encode(),
        info=b"stackyard service tokens",
    ).derive(material)


def issue_service_token(settings: Settings, service: str) -> str:
    """A token with which `service` calls another service's internal endpoints."""
    now = int(time.time())
    claims = {
        "svc": service,
        "aud": SERVICE_AUDIENCE,
        "iss": settings.auth.issuer,
        "iat": now,
        "exp": now + SERVICE_TOKEN_LIFETIME,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, service_secret(settings), algorithm=_ALGORITHM)


def verify_service_token(settings: Settings, token: str) -> str:
    """The name of the service `token` was issued to; `NotAuthenticated` otherwise."""
    try:
        claims = jwt.decode(
            token,
            service_secret(settings),
            algorithms=[_ALGORITHM],
            audience=SERVICE_AUDIENCE,
            issuer=settings.auth.issuer,
            options={"require": ["exp", "iat", "svc", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise NotAuthenticated("Invalid service token.") from error
    caller = claims["svc"]
    if caller not in {spec.name for spec in SERVICES} | {OPERATOR}:
        raise NotAuthenticated("Invalid service token.")
    return str(caller)


async def _service_caller(
    request: Request, authorization: Annotated[str | None, Security(authorization_header)]
) -> str:
    token = bearer_token(authorization)
    if token is None:
        raise NotAuthenticated
    return verify_service_token(request.app.state.settings, token)


ServiceCaller = Annotated[str, Depends(_service_caller)]
"""The name of the calling service; 401 without a valid service token."""
