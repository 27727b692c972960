"""Where a service finds the public keys that verify user tokens.

`LocalKeys` serves identity's own keys; `RemoteJwks` fetches identity's JWKS over HTTP,
keeps it for `jwks_cache_seconds`, refetches at once when a token names an unknown `kid`
(a rotated key), but no more often than every `MIN_REFRESH_INTERVAL` seconds so that
tokens with made-up key ids cannot turn into a flood of requests to identity.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any, Protocol

import httpx
import structlog
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from stackyard_common.api.errors import ServiceUnavailable
from stackyard_common.auth.keys import SUPPORTED_ALGORITHMS, SigningKey
from stackyard_common.settings import Settings

__all__ = ["JWKS_PATH", "KeySource", "LocalKeys", "RemoteJwks", "jwks_document"]

JWKS_PATH = "/api/identity/jwks/"
MIN_REFRESH_INTERVAL = 5.0

log = structlog.get_logger(__name__)


class KeySource(Protocol):
    """Finds the public key a token's `kid` names."""

    async def key(self, kid: str) -> PyJWK | None:
        """The key `kid`, or None when there is no such key."""
        ...


def jwks_document(keys: Iterable[SigningKey]) -> dict[str, Any]:
    """A JWKS (`{"keys": [...]}`) publishing the public half of `keys`."""
    return {"keys": [key.public_jwk() for key in keys]}


def _parse(document: dict[str, Any]) -> dict[str, PyJWK]:
    keys: dict[str, PyJWK] = {}
    for entry in document.get("keys", []):
        if not isinstance(entry, dict) or entry.get("alg") not in SUPPORTED_ALGORITHMS:
            continue  # a key we would never accept a signature from
        try:
            keys[str(entry["kid"])] = PyJWK(entry)
        except (KeyError, PyJWKError):
            log.warning("jwks entry ignored", kid=entry.get("kid"))
    return keys


class LocalKeys:
    """Keys held in the process (identity's own signing keys)."""

    def __init__(self, keys: Iterable[SigningKey]) -> None:
        self._keys = _parse(jwks_document(keys))

    async def key(self, kid: str) -> PyJWK | None:
        return self._keys.get(kid)


class RemoteJwks:
    """Identity's JWKS fetched over HTTP and cached (see the module's docstring)."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.cache_seconds = cache_seconds
        self.timeout = timeout
        self.transport = transport
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = -float("inf")
        self._attempted_at = -float("inf")
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
    ) -> RemoteJwks:
        """The JWKS of the platform's identity service, as `settings` locate it."""
        url = settings.auth.jwks_url or settings.ports.service_url("identity") + JWKS_PATH
        return cls(url, cache_seconds=settings.auth.jwks_cache_seconds, transport=transport)

    async def key(self, kid: str) -> PyJWK | None:
        stale = time.monotonic() - self._fetched_at > self.cache_seconds
        if kid not in self._keys or stale:
            await self._refresh(force=kid not in self._keys)
        return self._keys.get(kid)

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            now = time.monotonic()
            fresh = now - self._fetched_at <= self.cache_seconds
            if (fresh and not force) or now - self._attempted_at < MIN_REFRESH_INTERVAL:
                return  # another caller just refreshed, or we tried a moment ago
            self._attempted_at = now
            try:
                async with httpx.AsyncClient(
                    transport=self.transport, timeout=self.timeout
                ) as client:
                    response = await client.get(self.url)
                    response.raise_for_status()
                    document = response.json()
            except (httpx.HTTPError, ValueError) as error:
                log.warning("jwks fetch failed", url=self.url, error=str(error))
                if not self._keys:
                    raise ServiceUnavailable("Token keys are unavailable.") from error
                return  # keep verifying with the keys we have
            self._keys = _parse(document)
            self._fetched_at = now
