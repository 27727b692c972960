"""Revoked tokens, in Redis, shared by every process of the platform.

A logout revokes one token (its `jti`) until it would have expired anyway. Deactivating a
user revokes every token issued to them up to that moment. Both keys expire on their own,
so the list never grows beyond the tokens still alive.
"""

from __future__ import annotations

import math
import time
import uuid

from redis.asyncio import Redis

from stackyard_common.settings import Settings

__all__ = ["is_revoked", "revoke_token", "revoke_user_tokens"]


def _token_key(settings: Settings, jti: str) -> str:
    return settings.redis.key("auth", "revoked-token", jti)


def _user_key(settings: Settings, user: uuid.UUID | str) -> str:
    return settings.redis.key("auth", "revoked-user", str(user))


async def revoke_token(redis: Redis, settings: Settings, jti: str, expires_at: int) -> None:
    """Refuse the token `jti` from now until `expires_at` (epoch seconds)."""
    remaining = math.ceil(expires_at - time.time())
    if remaining > 0:
        await redis.set(_token_key(settings, jti), "1", ex=remaining)


async def revoke_user_tokens(redis: Redis, settings: Settings, user: uuid.UUID) -> None:
    """Refuse every token issued to `user` until now, for as long as any can be alive."""
    await redis.set(
        _user_key(settings, user), repr(time.time()), ex=settings.auth.token_lifetime + 60
    )


async def is_revoked(
    redis: Redis, settings: Settings, jti: str, user: uuid.UUID, issued_at: int
) -> bool:
    """Whether the token `jti`, issued to `user` at `issued_at`, has been revoked."""
    token_mark, user_mark = await redis.mget(_token_key(settings, jti), _user_key(settings, user))
    if token_mark is not None:
        return True
    # Seconds resolution: a token issued in the second of the deactivation is refused too.
    return user_mark is not None and issued_at <= float(user_mark)
