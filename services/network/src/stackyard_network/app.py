"""The network service's HTTP application (run with `uvicorn stackyard_network.app:app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import stackyard_network as stackyard_pkg
import stackyard_network.operations_registry
from stackyard_common.app import create_service_app
from stackyard_common.settings import Settings
from stackyard_network.cloud import CLOUDS_KEY, PlatformClouds
from stackyard_network.external_networks.endpoints import router as external_router
from stackyard_network.floating_ips.endpoints import router as floating_ips_router
from stackyard_network.internal.endpoints import router as internal_router
from stackyard_network.networks.endpoints import router as networks_router
from stackyard_network.ports.endpoints import router as ports_router
from stackyard_network.rbac.endpoints import router as rbac_router
from stackyard_network.routers.endpoints import router as routers_router
from stackyard_network.security_groups.endpoints import aliases as groups_aliases
from stackyard_network.security_groups.endpoints import router as groups_router
from stackyard_network.subnets.endpoints import router as subnets_router

__all__ = ["app", "create_app"]

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


@asynccontextmanager
async def _clouds(app: FastAPI) -> AsyncIterator[None]:
    # Tests may install their own clouds before the app starts.
    if getattr(app.state, CLOUDS_KEY, None) is None:
        setattr(app.state, CLOUDS_KEY, PlatformClouds(app.state.settings, app.state.redis))
    try:
        yield
    finally:
        await getattr(app.state, CLOUDS_KEY).aclose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The network service with every router it serves."""
    return create_service_app(
        "network",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            networks_router,
            subnets_router,
            routers_router,
            groups_router,
            groups_aliases,
            ports_router,
            floating_ips_router,
            rbac_router,
            external_router,
            internal_router,
        ],
        lifespans=[_clouds],
    )


app = create_app()
