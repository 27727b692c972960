"""`KeystoneAuth`: password authentication against Keystone v3 as an `httpx.Auth`.

Every request carries `X-Auth-Token`. A token is taken, in this order, from this
object's memory, from the shared `TokenCache`, or from Keystone; only one caller at a
time asks Keystone (an asyncio lock coalesces the tasks of a process, the cache's lock
the processes), and every caller that waited for it re-reads the cache first, so a
hundred concurrent callers cause one token request. On a 401 the token is renewed
once and the request repeated once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, Generator

import httpx
import structlog

from ._config import CloudConfig
from ._errors import OpenStackError, Timeout, Unavailable, error_for_response
from ._tokens import MemoryTokenCache, Token, TokenCache

__all__ = ["KeystoneAuth"]

log = structlog.get_logger("stackyard_common.openstack")

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_UNSIGNED = httpx.Auth()  # the base class sends requests as they are


class KeystoneAuth(httpx.Auth):
    """Sign requests with a Keystone token for `config`'s credentials."""

    def __init__(self, config: CloudConfig, cache: TokenCache | None = None) -> None:
        self._config = config
        self._cache: TokenCache = cache if cache is not None else MemoryTokenCache()
        self._digest = config.credentials_digest()
        self._token: Token | None = None
        self._lock = asyncio.Lock()
        self._client: httpx.AsyncClient | None = None
        self.token_requests = 0

    def bind(self, client: httpx.AsyncClient) -> None:
        """Ask Keystone through `client` (shares its pool, TLS and timeout settings)."""
        self._client = client

    @property
    def digest(self) -> str:
        """The SHA-256 of the credentials that keys the token cache."""
        return self._digest

    async def token(self) -> Token:
        """A token with at least ten minutes to live."""
        token = self._token
        if token is not None and not token.due():
            return token
        return await self._renew(stale=None)

    async def renew(self, stale: Token) -> Token:
        """A token other than `stale`, which the cloud has refused."""
        return await self._renew(stale=stale.value)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Not supported: the OpenStack client is asynchronous only."""
        raise RuntimeError("KeystoneAuth works with httpx.AsyncClient only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send `request` with a token; on a 401 renew the token and send it once more."""
        token = await self.token()
        request.headers["X-Auth-Token"] = token.value
        response = yield request
        if response.status_code != 401 or not _replayable(request):
            return
        log.info(
            "openstack.token_refused",
            cloud=self._config.name,
            method=request.method,
            path=request.url.path,
        )
        token = await self.renew(token)
        request.headers["X-Auth-Token"] = token.value
        yield request

    async def _renew(self, stale: str | None) -> Token:
        async with self._lock:
            # Whoever held the lock before us may have renewed it already.
            token = self._token
            if _usable(token, stale):
                assert token is not None
                return token
            token = await self._cache.get(self._digest)
            if _usable(token, stale):
                assert token is not None
                self._token = token
                return token
            async with self._cache.lock(self._digest):
                token = await self._cache.get(self._digest)
                if not _usable(token, stale):
                    token = await self._issue()
                    await self._cache.put(self._digest, token)
                assert token is not None
                self._token = token
                return token

    async def _issue(self) -> Token:
        """Ask Keystone for a token, retrying what is safe to retry."""
        if self._client is None:
            raise RuntimeError("KeystoneAuth.bind(client) was not called")
        url = f"{self._config.identity_url}/auth/tokens"
        policy = self._config.retry
        for attempt in range(policy.attempts):
            last = attempt == policy.attempts - 1
            try:
                # Unsigned: this request is the one that obtains the token.
                response = await self._client.post(
                    url, json=self._config.auth_body(), auth=_UNSIGNED
                )
            except httpx.TimeoutException as exc:
                if last:
                    raise Timeout(
                        "Keystone did not answer in time",
                        cloud=self._config.name,
                        service="identity",
                        method="POST",
                        url=url,
                    ) from exc
            except httpx.TransportError as exc:
                if last:
                    raise Unavailable(
                        f"Keystone is unreachable ({type(exc).__name__})",
                        cloud=self._config.name,
                        service="identity",
                        method="POST",
                        url=url,
                    ) from exc
            else:
                self.token_requests += 1
                if response.status_code == 201 or response.status_code == 200:
                    return self._parse(response, url)
                if response.status_code not in _RETRY_STATUSES or last:
                    raise error_for_response(response, service="identity", cloud=self._config.name)
            await asyncio.sleep(random.uniform(0, policy.backoff_base * 2**attempt))  # noqa: S311
        raise AssertionError("unreachable")  # pragma: no cover

    def _parse(self, response: httpx.Response, url: str) -> Token:
        value = response.headers.get("x-subject-token")
        try:
            body = response.json()
            if not value:
                raise ValueError("no X-Subject-Token header")
            token = Token.from_keystone(value, body)
        except (ValueError, KeyError, TypeError) as exc:
            raise OpenStackError(
                f"Keystone's token answer is unreadable ({type(exc).__name__})",
                cloud=self._config.name,
                service="identity",
                method="POST",
                url=url,
                status=response.status_code,
            ) from None
        log.info(
            "openstack.token_issued",
            cloud=self._config.name,
            expires_at=token.expires_at.isoformat(),
            project_id=token.project_id,
        )
        return token


def _usable(token: Token | None, stale: str | None) -> bool:
    return token is not None and not token.due() and token.value != stale


def _replayable(request: httpx.Request) -> bool:
    # A body streamed from an iterator has been consumed; it cannot be sent again.
    return isinstance(request.stream, httpx.ByteStream)
