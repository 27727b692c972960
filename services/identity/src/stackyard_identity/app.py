"""The identity service's HTTP application (run with `uvicorn stackyard_identity.app:app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

import stackyard_identity as stackyard_pkg
from stackyard_common.app import create_service_app
from stackyard_common.auth import LocalKeys, TokenVerifier, install_token_verifier
from stackyard_common.settings import Settings
from stackyard_identity.audit.endpoints import router as audit_router
from stackyard_identity.auth.endpoints import router as auth_router
from stackyard_identity.auth.throttle import TooManyAttempts
from stackyard_identity.cloud_connections.endpoints import router as connections_router
from stackyard_identity.cloud_connections.internal import router as internal_router
from stackyard_identity.customers.endpoints import router as customers_router
from stackyard_identity.keys import load_keys
from stackyard_identity.operators.endpoints import router as operators_router
from stackyard_identity.operators.internal import router as internal_operators_router
from stackyard_identity.projects.endpoints import router as projects_router
from stackyard_identity.projects.internal import router as internal_projects_router
from stackyard_identity.tenants.action_endpoints import router as tenant_actions_router
from stackyard_identity.tenants.endpoints import router as tenants_router
from stackyard_identity.tenants.internal import router as internal_tenants_router
from stackyard_identity.tenants.runtime import runtime_lifespan
from stackyard_identity.tenants.session_internal import router as tenant_session_router
from stackyard_identity.users.endpoints import router as users_router

__all__ = ["app", "create_app"]

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


@asynccontextmanager
async def _keys(app: FastAPI) -> AsyncIterator[None]:
    # Identity verifies tokens with its own keys: no HTTP round trip to itself.
    keys = await load_keys(app.state.settings, app.state.database)
    app.state.identity_keys = keys
    install_token_verifier(
        app, TokenVerifier(app.state.settings, LocalKeys([keys.signing]), app.state.redis)
    )
    yield


async def _too_many_attempts(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TooManyAttempts)
    return JSONResponse(
        exc.body(), status_code=exc.status_code, headers={"Retry-After": str(exc.retry_after)}
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The identity service with every router it serves."""
    app = create_service_app(
        "identity",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            auth_router,
            users_router,
            customers_router,
            projects_router,
            connections_router,
            operators_router,  # before the tenants': `quota_drift` is no tenant uuid
            tenants_router,
            tenant_actions_router,
            audit_router,
            internal_router,
            internal_projects_router,
            internal_tenants_router,
            tenant_session_router,
            internal_operators_router,
        ],
        lifespans=[_keys, runtime_lifespan],
    )
    app.add_exception_handler(TooManyAttempts, _too_many_attempts)
    return app


app = create_app()
