"""The ASGI layer in front of every service: faults, call counters, version headers."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import SERVICE_PREFIXES, service_of
from .errors import service_error
from .microversion import response_headers

if TYPE_CHECKING:
    from .cloud import Cloud


class ConnectionDropped(Exception):
    """Raised when the server cannot drop a connection itself (not running under uvicorn)."""


def _drop(send: Send) -> bool:
    """Close the client's socket without an answer; ``False`` when the server hides it.

    uvicorn hands the application the bound ``send`` of its request cycle, which
    holds the transport. Aborting it resets the TCP connection, so the client
    sees a connection error, not an HTTP status.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return False
    transport.abort()
    if cycle is not None and hasattr(cycle, "disconnected"):
        cycle.disconnected = True  # uvicorn then neither answers 500 nor logs an error
    return True


class EmulatorMiddleware:
    """Applies fault rules, counts calls per route template, and adds response headers."""

    def __init__(self, app: ASGIApp, cloud: Cloud, routes: list[Any]) -> None:
        self.app = app
        self.cloud = cloud
        self.routes = routes

    def _template(self, scope: Scope, service: str) -> str:
        route = scope.get("route")
        path = getattr(route, "path", None)
        if path is None:
            # The request never reached a route (a fault answered it): match it here.
            for candidate in self.routes:
                if candidate.path_regex.match(scope["path"]) and scope["method"] in (
                    candidate.methods or ()
                ):
                    path = candidate.path
                    break
        if path is None:
            return "<unmatched>"
        prefix = SERVICE_PREFIXES[service]
        return path[len(prefix) :] or "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        service = service_of(path)
        if service is None or service == "control":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        cloud = self.cloud
        # Real services stamp every answer, errors included, with the request id.
        request_id = f"req-{uuid.uuid4()}".encode()
        id_headers = [(b"x-openstack-request-id", request_id)]
        if service == "compute":
            id_headers.append((b"x-compute-request-id", request_id))
        decision = cloud.faults.decide(service, method, path)
        if decision is not None:
            if decision.latency_ms:
                await asyncio.sleep(decision.latency_ms / 1000)
            if decision.drop or decision.status is not None:
                cloud.counters[f"{service} {method} {self._template(scope, service)}"] += 1
                if decision.drop:
                    if _drop(send):
                        return
                    raise ConnectionDropped(path)
                headers = list(id_headers)
                if decision.retry_after is not None:
                    headers.append((b"retry-after", str(decision.retry_after).encode()))
                await _send_error(send, service, int(decision.status or 503), headers)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(id_headers)
                state = scope.get("state") or {}
                version = state.get("microversion") if isinstance(state, dict) else None
                if version is not None:
                    headers.extend(response_headers(*version))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            cloud.counters[f"{service} {method} {self._template(scope, service)}"] += 1


async def _send_error(
    send: Send, service: str, status: int, headers: list[tuple[bytes, bytes]]
) -> None:
    """Answer ``status`` in the service's error shape, with ``headers`` added."""
    error = service_error(service, status, "Fault injected by the emulator.")
    body = json.dumps(error.body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
