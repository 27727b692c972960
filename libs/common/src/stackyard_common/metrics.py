"""Prometheus metrics: request counts and latencies per route, served at `/metrics`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

__all__ = ["HttpMetrics"]


class HttpMetrics:
    """The HTTP metrics of one application, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "stackyard_http_requests_total",
            "HTTP requests answered, by route template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "stackyard_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["service", "method", "route"],
            registry=self.registry,
        )
        self.service = service

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Count and time every request under its route template (not its raw path)."""
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = _route_template(request)
            self.requests.labels(self.service, request.method, route, str(status)).inc()
            self.latency.labels(self.service, request.method, route).observe(
                time.perf_counter() - started
            )

    def render(self) -> Response:
        """The registry in Prometheus's text format."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def _route_template(request: Request) -> str:
    # Raw paths carry uuids and would explode the label space; templates do not.
    matched = request.scope.get("route")
    if matched is not None and hasattr(matched, "path"):
        return str(matched.path)
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is Match.FULL:
            return str(getattr(route, "path", "unmatched"))
    return "unmatched"
