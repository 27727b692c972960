"""`Idempotency-Key` on every POST: a repeat returns the first answer.

The first POST with a given key (per caller, service and path) runs and its answer is
kept in Redis for a day; a repeat gets that answer again, marked `Idempotent-Replayed:
true`, without running anything. A repeat while the first is still running answers 409,
and so does the same key with a different body. Server errors (5xx) are not kept, so a
client may retry them with the same key.

Only bodies the service reads whole are fingerprinted (JSON or form data up to 1 MiB);
other POSTs (streamed uploads) pass through untouched, because fingerprinting them would
mean buffering them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from stackyard_common.settings import Settings

__all__ = ["IDEMPOTENCY_HEADER", "REPLAYED_HEADER", "idempotency_middleware"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_SECONDS = 24 * 3600
IN_FLIGHT_SECONDS = 600
MAX_FINGERPRINTED_BODY = 1024 * 1024
_KEPT_HEADERS = ("content-type", "location", "link", "x-result-count")

Middleware = Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]


def _fingerprintable(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None and int(length) > MAX_FINGERPRINTED_BODY:
        return False
    content_type = request.headers.get("content-type", "")
    return length in (None, "0") or content_type.startswith(
        ("application/json", "application/x-www-form-urlencoded")
    )


def idempotency_middleware(
    settings: Settings, service: str, redis: Callable[[], Redis]
) -> Middleware:
    """A middleware for `service` keeping first answers in the Redis that `redis()` gives."""

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if request.method != "POST" or not key or not _fingerprintable(request):
            return await call_next(request)
        body = await request.body()
        caller = hashlib.sha256(request.headers.get("authorization", "").encode()).hexdigest()
        scope = hashlib.sha256(
            "\0".join((service, caller, request.url.path, key)).encode()
        ).hexdigest()
        fingerprint = hashlib.sha256(body).hexdigest()
        stored_key = settings.redis.key("idempotency", scope)
        client = redis()
        claimed = await client.set(
            stored_key,
            json.dumps({"fingerprint": fingerprint}),
            nx=True,
            ex=IN_FLIGHT_SECONDS,
        )
        if not claimed:
            return await _replay(client, stored_key, fingerprint)
        try:
            response = await call_next(request)
        except BaseException:
            await client.delete(stored_key)
            raise
        if response.status_code >= 500:
            await client.delete(stored_key)
            return response
        content = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        kept = {name: value for name, value in response.headers.items() if name in _KEPT_HEADERS}
        record = {
            "fingerprint": fingerprint,
            "status": response.status_code,
            "headers": kept,
            "body": content.decode("latin-1"),
        }
        await client.set(stored_key, json.dumps(record), ex=KEEP_SECONDS)
        return Response(
            content,
            status_code=response.status_code,
            headers=dict(response.headers),
            background=response.background,
        )

    return middleware


async def _replay(client: Redis, stored_key: str, fingerprint: str) -> Response:
    raw = await client.get(stored_key)
    if raw is None:  # expired between the two calls: tell the client to try again
        return JSONResponse(
            {"detail": "The first request with this Idempotency-Key is still being processed."},
            status_code=409,
        )
    record = json.loads(raw)
    if record["fingerprint"] != fingerprint:
        return JSONResponse(
            {"detail": "This Idempotency-Key was used with a different request body."},
            status_code=409,
        )
    if "status" not in record:
        return JSONResponse(
            {"detail": "The first request with this Idempotency-Key is still being processed."},
            status_code=409,
        )
    return Response(
        record["body"].encode("latin-1"),
        status_code=record["status"],
        headers={**record["headers"], REPLAYED_HEADER: "true"},
    )
