"""The marketplace service's HTTP application (run with `uvicorn stackyard_marketplace.app:app`)."""

from __future__ import annotations

from fastapi import FastAPI

import stackyard_marketplace as stackyard_pkg
from stackyard_common.app import create_service_app
from stackyard_common.settings import Settings
from stackyard_marketplace.categories.endpoints import router as categories_router
from stackyard_marketplace.identity_client import identity_lifespan
from stackyard_marketplace.offerings.endpoints import router as provider_offerings_router
from stackyard_marketplace.offerings.plans import router as plans_router
from stackyard_marketplace.offerings.public import router as public_offerings_router
from stackyard_marketplace.operators.internal import router as operators_router
from stackyard_marketplace.orders.endpoints import router as orders_router
from stackyard_marketplace.resources.endpoints import router as resources_router

__all__ = ["app", "create_app"]

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The marketplace service with every router it serves."""
    return create_service_app(
        "marketplace",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            categories_router,
            provider_offerings_router,
            public_offerings_router,
            plans_router,
            orders_router,
            resources_router,
            operators_router,
        ],
        lifespans=[identity_lifespan],
    )


app = create_app()
