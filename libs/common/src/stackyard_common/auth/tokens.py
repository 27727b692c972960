"""User tokens: signed JWTs that identity issues and every service verifies locally.

Claims: `iss`, `sub` (the user's uuid), `iat`, `exp`, `jti`, `username`, `is_staff`,
`is_support`. Only the asymmetric algorithms of the published keys are accepted, each
key with its own algorithm only: `alg: none`, an HMAC signed with a public key, a key of
our own algorithm but not ours, an expired or a revoked token are all refused.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from redis.asyncio import Redis

from stackyard_common.api.errors import NotAuthenticated
from stackyard_common.auth.jwks import KeySource
from stackyard_common.auth.keys import SUPPORTED_ALGORITHMS, SigningKey
from stackyard_common.auth.revocation import is_revoked
from stackyard_common.auth.roles import Principal
from stackyard_common.settings import Settings

__all__ = ["IssuedToken", "TokenVerifier", "issue_token"]

INVALID = "Invalid token."
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss"]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token and what a caller may need to know about it without decoding it."""

    token: str
    jti: str
    expires_at: int


def issue_token(
    key: SigningKey,
    settings: Settings,
    *,
    user: uuid.UUID,
    username: str,
    is_staff: bool,
    is_support: bool,
    now: float | None = None,
) -> IssuedToken:
    """Sign a token for `user`, valid for `settings.auth.token_lifetime` seconds."""
    issued_at = int(now if now is not None else time.time())
    expires_at = issued_at + settings.auth.token_lifetime
    jti = uuid.uuid4().hex
    claims: dict[str, Any] = {
        "iss": settings.auth.issuer,
        "sub": str(user),
        "iat": issued_at,
        "exp": expires_at,
        "jti": jti,
        "username": username,
        "is_staff": is_staff,
        "is_support": is_support,
    }
    token = jwt.encode(
        claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid, "typ": "JWT"}
    )
    return IssuedToken(token, jti, expires_at)


class TokenVerifier:
    """Verifies user tokens with the keys of `keys` and the revocations in `redis`."""

    def __init__(self, settings: Settings, keys: KeySource, redis: Redis) -> None:
        self.settings = settings
        self.keys = keys
        self.redis = redis

    async def verify(self, token: str) -> Principal:
        """The principal `token` speaks for; raises `NotAuthenticated` for any flaw."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise NotAuthenticated(INVALID) from error
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in SUPPORTED_ALGORITHMS or not isinstance(kid, str):
            raise NotAuthenticated(INVALID)
        key = await self.keys.key(kid)
        if key is None or key.algorithm_name != algorithm:
            raise NotAuthenticated(INVALID)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                issuer=self.settings.auth.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
            principal = Principal(
                uuid=uuid.UUID(str(claims["sub"])),
                username=str(claims.get("username", "")),
                is_staff=claims.get("is_staff") is True,
                is_support=claims.get("is_support") is True,
                token_id=str(claims["jti"]),
                expires_at=int(claims["exp"]),
            )
        except jwt.ExpiredSignatureError as error:
            raise NotAuthenticated("Token has expired.") from error
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise NotAuthenticated(INVALID) from error
        if await is_revoked(
            self.redis, self.settings, principal.token_id, principal.uuid, int(claims["iat"])
        ):
            raise NotAuthenticated("Token has been revoked.")
        return principal
