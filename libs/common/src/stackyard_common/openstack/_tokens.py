"""Keystone tokens and the cache that shares them between every process and worker.

A token is kept for `min(10 h, its expiry)` and counts as due for renewal when less than
ten minutes of that remain, so that no call starts with a token about to lapse. The
cache is keyed by a SHA-256 of the credentials (`CloudConfig.credentials_digest`); the
cached value holds the token and its catalog, never the credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from stackyard_common.settings import RedisSettings

from ._catalog import ServiceCatalog

__all__ = [
    "MAX_LIFETIME",
    "REFRESH_MARGIN",
    "MemoryTokenCache",
    "RedisTokenCache",
    "Token",
    "TokenCache",
]

MAX_LIFETIME = timedelta(hours=10)
REFRESH_MARGIN = timedelta(minutes=10)

log = structlog.get_logger("stackyard_common.openstack")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Token:
    """A Keystone token, its catalog, and until when this client will use it."""

    value: str = field(repr=False)
    expires_at: datetime
    obtained_at: datetime
    keep_until: datetime
    catalog: ServiceCatalog = field(repr=False)
    user_id: str | None = None
    project_id: str | None = None
    domain_id: str | None = None

    @classmethod
    def from_keystone(cls, value: str, body: dict[str, Any]) -> Token:
        """The token Keystone just issued: `value` from `X-Subject-Token`, `body` its JSON."""
        token = body["token"]
        expires_at = datetime.fromisoformat(token["expires_at"])
        now = _now()
        # Measure the lifetime on Keystone's own clock and lay it on ours, so that a skew
        # between the two clocks cannot make a fresh token look expired (or the reverse).
        lifetime = expires_at - now
        if token.get("issued_at"):
            lifetime = expires_at - datetime.fromisoformat(token["issued_at"])
        keep_until = now + min(MAX_LIFETIME, lifetime)
        return cls(
            value=value,
            expires_at=expires_at,
            obtained_at=now,
            keep_until=keep_until,
            catalog=ServiceCatalog(token.get("catalog") or []),
            user_id=(token.get("user") or {}).get("id"),
            project_id=(token.get("project") or {}).get("id"),
            domain_id=(token.get("domain") or {}).get("id"),
        )

    def due(self, now: datetime | None = None) -> bool:
        """Whether the token should be renewed before use (less than 10 minutes left).

        A cloud that issues tokens for less than 20 minutes gets them renewed at half
        their life instead, or every call would ask for a new one.
        """
        margin = min(REFRESH_MARGIN, (self.keep_until - self.obtained_at) / 2)
        return self.keep_until - (now or _now()) < margin

    def seconds_left(self, now: datetime | None = None) -> float:
        """Seconds until this client stops using the token."""
        return (self.keep_until - (now or _now())).total_seconds()

    def dumps(self) -> str:
        """The token as stored in the cache."""
        return json.dumps(
            {
                "value": self.value,
                "expires_at": self.expires_at.isoformat(),
                "obtained_at": self.obtained_at.isoformat(),
                "keep_until": self.keep_until.isoformat(),
                "catalog": self.catalog.entries,
                "user_id": self.user_id,
                "project_id": self.project_id,
                "domain_id": self.domain_id,
            }
        )

    @classmethod
    def loads(cls, text: str | bytes) -> Token:
        """A token read back from the cache."""
        data = json.loads(text)
        return cls(
            value=data["value"],
            expires_at=datetime.fromisoformat(data["expires_at"]),
            obtained_at=datetime.fromisoformat(data["obtained_at"]),
            keep_until=datetime.fromisoformat(data["keep_until"]),
            catalog=ServiceCatalog(data["catalog"]),
            user_id=data.get("user_id"),
            project_id=data.get("project_id"),
            domain_id=data.get("domain_id"),
        )


class TokenCache(Protocol):
    """Where tokens are shared, and the lock that lets one caller renew a token."""

    async def get(self, digest: str) -> Token | None:
        """The cached token for the credentials with this digest, if any."""
        ...

    async def put(self, digest: str, token: Token) -> None:
        """Store `token` until its `keep_until`."""
        ...

    def lock(self, digest: str) -> AbstractAsyncContextManager[None]:
        """Held by the one caller that asks Keystone for a token for `digest`."""
        ...


class MemoryTokenCache:
    """A cache within one process: for tests, scripts and single-process tools."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, digest: str) -> Token | None:
        """The cached token for `digest`, unless it is past `keep_until`."""
        token = self._tokens.get(digest)
        if token is not None and token.seconds_left() <= 0:
            del self._tokens[digest]
            return None
        return token

    async def put(self, digest: str, token: Token) -> None:
        """Store `token`."""
        self._tokens[digest] = token

    def lock(self, digest: str) -> AbstractAsyncContextManager[None]:
        """An asyncio lock per digest."""
        return _hold(self._locks.setdefault(digest, asyncio.Lock()))


@asynccontextmanager
async def _hold(lock: asyncio.Lock) -> AsyncIterator[None]:
    async with lock:
        yield


class RedisTokenCache:
    """Tokens in Redis, shared by every process and worker that uses the same Redis.

    Keys are `<prefix>:openstack:token:<digest>` with a TTL of the token's remaining
    `keep_until`; the renewal lock is `<...>:lock`. When Redis fails the client carries
    on without it (each process then renews on its own), because a cache outage must not
    become a cloud outage.
    """

    def __init__(
        self,
        redis: Redis,
        settings: RedisSettings | None = None,
        *,
        lock_timeout: float = 30.0,
        lock_wait: float = 60.0,
    ) -> None:
        self._redis = redis
        self._settings = settings or RedisSettings()
        self._lock_timeout = lock_timeout
        self._lock_wait = lock_wait

    @classmethod
    def from_settings(cls, settings: RedisSettings) -> RedisTokenCache:
        """A cache on the Redis that `settings` names."""
        return cls(Redis.from_url(settings.url.get_secret_value()), settings)

    def key(self, digest: str) -> str:
        """The Redis key of the token for `digest`."""
        return self._settings.key("openstack", "token", digest)

    async def get(self, digest: str) -> Token | None:
        """The cached token for `digest`, or None (also when Redis fails)."""
        try:
            raw = await self._redis.get(self.key(digest))
        except RedisError as exc:
            log.warning("openstack.token_cache_unavailable", error=type(exc).__name__)
            return None
        if raw is None:
            return None
        try:
            return Token.loads(raw)
        except (ValueError, KeyError, TypeError):
            return None

    async def put(self, digest: str, token: Token) -> None:
        """Store `token` with a TTL that ends at its `keep_until`."""
        ttl_ms = int(token.seconds_left() * 1000)
        if ttl_ms <= 0:
            return
        try:
            await self._redis.set(self.key(digest), token.dumps(), px=ttl_ms)
        except RedisError as exc:
            log.warning("openstack.token_cache_unavailable", error=type(exc).__name__)

    def lock(self, digest: str) -> AbstractAsyncContextManager[None]:
        """A Redis lock, so that one caller in all processes asks Keystone at a time."""
        return self._locked(digest)

    @asynccontextmanager
    async def _locked(self, digest: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            self.key(digest) + ":lock",
            timeout=self._lock_timeout,
            blocking_timeout=self._lock_wait,
            sleep=0.02,
        )
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            log.warning("openstack.token_lock_unavailable", error=type(exc).__name__)
            acquired = False
        try:
            yield
        finally:
            if acquired:
                # It may have expired while Keystone was slow; another caller may hold it now.
                with contextlib.suppress(LockError, RedisError):
                    await lock.release()
