"""`CloudSession`: one connection to one cloud, through which every proxy call goes.

Keep-alive connections in a few small `httpx.AsyncClient` pools per session (see
`_pools`), signed by `KeystoneAuth`; endpoints from the token's catalog; at most
`max_concurrency` calls in flight; retries with jittered exponential backoff on 5xx,
429 (honouring `Retry-After`) and connection failures, for calls that are safe to
repeat; every answer logged with the cloud's request id; every error status raised as
an `ApiError`.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import asynccontextmanager
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx
import structlog

from stackyard_common.tls import client_context

from ._auth import KeystoneAuth
from ._config import CloudConfig
from ._errors import ApiError, Timeout, Unavailable, error_for_response, request_id_of
from ._pools import Pools
from ._tokens import TokenCache

__all__ = ["CloudSession", "Params"]

log = structlog.get_logger("stackyard_common.openstack")

Params = Mapping[str, str | int | float | bool | list[str] | None]

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Segments that are ids, not names of things: UUIDs, hex ids, numbers.
_ID_SEGMENT = re.compile(
    r"^([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|\d+)$"
)
_MICROVERSION_HEADERS = {"compute": "compute", "volume": "volume"}
_KEYSTONE_CONNECTIONS = 2
# Seconds an idle connection is kept. Below the keep-alive time of the servers in front
# of OpenStack APIs (uvicorn's and Apache's 5 s): a connection the server is closing
# just then would fail the next call on it, and a POST on it could not be repeated.
_IDLE_EXPIRY = 2.0


def path_template(path: str) -> str:
    """`path` with its id segments replaced by `{id}`, so that log lines group by call."""
    return "/".join("{id}" if _ID_SEGMENT.match(s) else s for s in path.split("/"))


class CloudSession:
    """The HTTP side of one cloud connection; proxies build on `request` and `stream`."""

    def __init__(
        self,
        config: CloudConfig,
        *,
        token_cache: TokenCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.auth = KeystoneAuth(config, token_cache)

        def pool(size: int) -> httpx.AsyncClient:
            return httpx.AsyncClient(
                auth=self.auth,
                transport=transport,
                # Shared: building a verifying context reads the CA bundle (~20 ms of CPU).
                verify=client_context(config.verify_ssl),
                timeout=config.timeout,
                limits=httpx.Limits(
                    max_connections=size,
                    max_keepalive_connections=size,
                    keepalive_expiry=_IDLE_EXPIRY,
                ),
                headers={"Accept": "application/json", "User-Agent": "stackyard-openstack/1"},
            )

        self._pools = Pools(config.max_concurrency, pool, single=transport is not None)
        # Token requests have connections of their own: a call refused with 401 keeps
        # its connection while it waits for the new token, so refused calls could fill
        # the pool the token request would wait on.
        self._keystone = pool(_KEYSTONE_CONNECTIONS)
        self.auth.bind(self._keystone)
        self._slots = asyncio.Semaphore(config.max_concurrency)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools."""
        await self._pools.aclose()
        await self._keystone.aclose()

    async def endpoint(self, service: str) -> str:
        """The base URL of `service` ("identity", "compute", "network", "volume", "image")."""
        if service == "identity":
            return self.config.identity_url
        token = await self.auth.token()
        return token.catalog.endpoint(service, self.config.interface, self.config.region)

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        content: bytes | AsyncIterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        microversion: str | None = None,
        retry_safe: bool | None = None,
    ) -> httpx.Response:
        """Send a call to `service` at `path` (relative to its endpoint) and read the answer.

        Retries a 5xx, a 429 or a broken connection when the call is safe to repeat: by
        default GET, HEAD, PUT, DELETE and OPTIONS; a POST or PATCH only with
        `retry_safe=True` (the caller has made sure that a repeat cannot duplicate
        anything). A refused connection is retried for every method, since the request
        was never sent. Raises an `ApiError` for an error status, `Timeout` when the
        cloud does not answer in time.
        """
        async with self._exchange(
            service, method, path, params, json, content, headers, microversion, retry_safe, True
        ) as response:
            return response

    @asynccontextmanager
    async def stream(
        self,
        service: str,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """Like `request`, but the body is read by the caller (`response.aiter_bytes()`).

        The call holds one of the cloud's concurrency slots until the block ends.
        """
        async with self._exchange(
            service, method, path, params, None, None, headers, None, None, False
        ) as response:
            try:
                yield response
            except httpx.TransportError as exc:
                raise self._transport_error(
                    exc, service, method.upper(), str(response.url)
                ) from exc

    @asynccontextmanager
    async def _exchange(
        self,
        service: str,
        method: str,
        path: str,
        params: Params | None,
        json: Any,
        content: bytes | AsyncIterable[bytes] | None,
        headers: Mapping[str, str] | None,
        microversion: str | None,
        retry_safe: bool | None,
        read_body: bool,
    ) -> AsyncIterator[httpx.Response]:
        method = method.upper()
        url = (await self.endpoint(service)) + path
        if retry_safe is None:
            retry_safe = method in _IDEMPOTENT
        if content is not None and not isinstance(content, bytes):
            retry_safe = False  # a streamed body cannot be sent twice
        all_headers = dict(headers or {})
        if microversion is not None:
            all_headers.update(_microversion_headers(service, microversion))
        query = _query(params)
        template = path_template(path)
        policy = self.config.retry
        for attempt in range(1, policy.attempts + 1):
            last = attempt == policy.attempts
            delay: float | None = None
            async with self._slots, self._pools.client() as pool:
                started = time.perf_counter()
                request = pool.build_request(
                    method, url, params=query, json=json, content=content, headers=all_headers
                )
                try:
                    response = await self._send(pool, request, read_body)
                except httpx.TransportError as exc:
                    never_sent = isinstance(
                        exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                    )
                    log.warning(
                        "openstack.call_failed",
                        cloud=self.config.name,
                        service=service,
                        method=method,
                        path=template,
                        error=type(exc).__name__,
                        attempt=attempt,
                    )
                    # A read timeout is not retried: the full timeout again, times the
                    # attempts, would hold the caller for minutes.
                    waited_out = isinstance(exc, httpx.TimeoutException) and not never_sent
                    if last or waited_out or not (retry_safe or never_sent):
                        raise self._transport_error(exc, service, method, url) from exc
                    delay = self._backoff(attempt, None)
                else:
                    try:
                        status = response.status_code
                        log.info(
                            "openstack.call",
                            cloud=self.config.name,
                            service=service,
                            method=method,
                            path=template,
                            status=status,
                            duration_ms=round((time.perf_counter() - started) * 1000, 1),
                            request_id=request_id_of(response),
                            attempt=attempt,
                        )
                        if status in _RETRY_STATUSES and retry_safe and not last:
                            delay = self._backoff(attempt, response)
                            await response.aclose()
                        elif status >= 400:
                            await response.aread()
                            raise self._api_error(response, service)
                        else:
                            yield response
                            return
                    finally:
                        await response.aclose()
            # Sleep outside the concurrency slot: a waiting retry must not block others.
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self, pool: httpx.AsyncClient, request: httpx.Request, read_body: bool
    ) -> httpx.Response:
        response = await pool.send(request, stream=True)
        if read_body:
            try:
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        return response

    def _api_error(self, response: httpx.Response, service: str) -> ApiError:
        return error_for_response(response, service=service, cloud=self.config.name)

    def _transport_error(
        self, exc: httpx.TransportError, service: str, method: str, url: str
    ) -> Timeout | Unavailable:
        context: dict[str, Any] = {
            "cloud": self.config.name,
            "service": service,
            "method": method,
            "url": url,
        }
        if isinstance(exc, httpx.TimeoutException):
            return Timeout(f"no answer in time ({type(exc).__name__})", **context)
        return Unavailable(f"connection failed ({type(exc).__name__})", **context)

    def _backoff(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before try `attempt + 1`."""
        policy = self.config.retry
        ceiling = min(policy.backoff_cap, policy.backoff_base * 2 ** (attempt - 1))
        delay = random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography
        if response is not None:
            retry_after = _retry_after(response)
            if retry_after is not None:
                delay = max(delay, min(retry_after, policy.retry_after_cap))
        return delay


def _retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (it may be a number or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass  # not seconds: an HTTP date, read below
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _microversion_headers(service: str, version: str) -> dict[str, str]:
    name = _MICROVERSION_HEADERS.get(service)
    if name is None:
        raise ValueError(f"{service} has no microversions")
    headers = {"OpenStack-API-Version": f"{name} {version}"}
    if service == "compute":
        # Older Nova releases read only their legacy header.
        headers["X-OpenStack-Nova-API-Version"] = version
    return headers


def _query(params: Params | None) -> list[tuple[str, str | int | float | bool | None]] | None:
    if not params:
        return None
    query: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            query.append((name, "true" if value else "false"))
        elif isinstance(value, list):
            query.extend((name, str(item)) for item in value)
        else:
            query.append((name, str(value)))
    return query
