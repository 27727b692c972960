"""The application factory: one FastAPI app per emulated cloud."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .auth import service_of
from .cloud import Cloud
from .compute import actions as compute_actions
from .compute import keypairs, routes_flavors, routes_misc, routes_parts, routes_servers
from .config import EmulatorConfig
from .control import router as control_router
from .errors import ApiError, service_error
from .identity import admin as identity_admin
from .identity import catalog as identity_catalog
from .identity import roles as identity_roles
from .identity import tokens as identity_tokens
from .image import data as image_data
from .image import routes as image_routes
from .middleware import EmulatorMiddleware
from .network import api as network_api
from .network import extra as network_extra
from .seed import load_seed
from .volume import routes_admin as volume_admin
from .volume import routes_copies as volume_copies
from .volume import routes_volumes as volume_routes

logger = logging.getLogger("stackyard_emulator")

_ROUTERS = (
    identity_tokens.router,
    identity_admin.router,
    identity_roles.router,
    identity_catalog.router,
    # Fixed paths before templated ones that could swallow them.
    routes_flavors.router,
    keypairs.router,
    routes_misc.router,
    routes_servers.router,
    compute_actions.router,
    routes_parts.router,
    network_extra.router,
    network_api.router,
    volume_admin.root,
    volume_admin.router,
    volume_routes.router,
    volume_copies.router,
    image_routes.router,
    image_data.router,
    control_router,
)


def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers or None)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    messages = {
        404: "The resource could not be found.",
        405: "The method is not allowed for the requested URL.",
    }
    error = service_error(
        service_of(request.url.path),
        exc.status_code,
        messages.get(exc.status_code, str(exc.detail)),
    )
    return JSONResponse(error.body, status_code=exc.status_code)


class EmulatorApp(FastAPI):
    """A FastAPI app whose outermost layer is the emulator middleware.

    Outermost matters: dropping a connection needs the server's own ``send``, and
    Starlette's error middleware would otherwise turn the drop into a 500.
    """

    def __init__(self, cloud: Cloud, routes: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._emulator_cloud = cloud
        self._emulator_routes = routes

    def build_middleware_stack(self) -> Any:
        """Starlette's stack wrapped in :class:`EmulatorMiddleware`."""
        inner = super().build_middleware_stack()
        return EmulatorMiddleware(inner, self._emulator_cloud, self._emulator_routes)


def _unexpected(request: Request, exc: Exception) -> Response:
    # A bug in the emulator: answer 500 in the service's own shape (and log it) rather
    # than Starlette's plain-text page, so clients parse it like a real service fault.
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    error = service_error(
        service_of(request.url.path),
        500,
        "The server has either erred or is incapable of performing the requested operation.",
    )
    return JSONResponse(error.body, status_code=500)


def create_app(config: EmulatorConfig | None = None, seed: dict[str, Any] | None = None) -> FastAPI:
    """A new emulated cloud with its own state, served by one FastAPI app."""
    config = config or EmulatorConfig()
    cloud = Cloud(config, seed if seed is not None else load_seed(config.seed_path))
    routes = [route for router in _ROUTERS for route in router.routes]
    app = EmulatorApp(
        cloud,
        routes,
        title=f"Stackyard OpenStack emulator ({config.name})",
        docs_url=None,
        redoc_url=None,
        openapi_url="/_emulator/openapi.json",
    )
    app.state.cloud = cloud
    for router in _ROUTERS:
        app.include_router(router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    return app
