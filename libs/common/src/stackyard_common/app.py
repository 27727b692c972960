"""The application factory every service uses.

`create_service_app` gives a service, before any of its own routes: JSON logs with a
request id, Prometheus metrics, the error shapes of `stackyard_common.api`, a database
engine connected as the service's own role, a Redis client, and the operational
endpoints, each both at the root (for the process manager and probes) and under the
service's own gateway prefix:

    GET /livez    GET /api/<service>/livez     the process answers
    GET /readyz   GET /api/<service>/readyz    database schema, Redis, RabbitMQ
    GET /metrics  GET /api/<service>/metrics   Prometheus text format
                  GET /api/<service>/openapi.json
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from starlette.responses import Response

from stackyard_common.api.errors import install_error_handlers
from stackyard_common.api.idempotency import idempotency_middleware
from stackyard_common.db import Database
from stackyard_common.health import check_readiness, standard_checks
from stackyard_common.logging import configure_logging, request_id_middleware
from stackyard_common.metrics import HttpMetrics
from stackyard_common.settings import Settings, get_settings
from stackyard_common.topology import service as service_spec

__all__ = ["SERVICE_HEADER", "Lifespan", "create_service_app"]

SERVICE_HEADER = "X-Stackyard-Service"

Lifespan = Callable[[FastAPI], Any]
"""An extra async context manager factory run inside the common lifespan."""


def create_service_app(
    name: str,
    *,
    routers: Sequence[APIRouter] = (),
    settings: Settings | None = None,
    description: str = "",
    lifespans: Sequence[Lifespan] = (),
) -> FastAPI:
    """A FastAPI application for the service `name` (one of `topology.SERVICES`)."""
    spec = service_spec(name)
    settings = settings or get_settings()
    configure_logging(settings, name)
    metrics = HttpMetrics(name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.database = Database(settings, name)
        app.state.redis = Redis.from_url(settings.redis.url.get_secret_value())
        try:
            async with AsyncExitStack() as stack:
                for extra in lifespans:
                    await stack.enter_async_context(extra(app))
                yield
        finally:
            await app.state.redis.aclose()
            await app.state.database.dispose()

    app = FastAPI(
        title=f"Stackyard {name}",
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=f"{spec.own_prefix}openapi.json",
        docs_url=f"{spec.own_prefix}docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.middleware("http")(idempotency_middleware(settings, name, lambda: app.state.redis))
    app.middleware("http")(metrics.middleware)
    app.middleware("http")(request_id_middleware)

    @app.middleware("http")
    async def name_the_service(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Tells operators (and the gateway's tests) which service answered a request.
        response = await call_next(request)
        response.headers[SERVICE_HEADER] = name
        return response

    async def livez() -> dict[str, str]:
        return {"status": "ok", "service": name}

    async def readyz() -> JSONResponse:
        report = await check_readiness(
            standard_checks(settings, app.state.database, app.state.redis),
            settings.readiness_timeout,
        )
        return JSONResponse(
            {"service": name, **report.body()}, status_code=200 if report.ready else 503
        )

    async def metrics_endpoint() -> Response:
        return metrics.render()

    operational: list[tuple[str, Callable[..., Awaitable[Any]], str]] = [
        ("livez", livez, "The process is alive."),
        ("readyz", readyz, "Database schema, Redis and RabbitMQ are usable (else 503)."),
        ("metrics", metrics_endpoint, "Prometheus metrics."),
    ]
    for path, endpoint, summary in operational:
        app.add_api_route(f"/{path}", endpoint, methods=["GET"], include_in_schema=False)
        app.add_api_route(
            f"{spec.own_prefix}{path}",
            endpoint,
            methods=["GET"],
            summary=summary,
            tags=["operations"],
            operation_id=f"{name}_{path}",
            include_in_schema=path == "readyz",
        )
    for router in routers:
        app.include_router(router)
    return app
