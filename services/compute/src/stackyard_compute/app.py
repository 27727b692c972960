"""The compute service's HTTP application (run with `uvicorn stackyard_compute.app:app`)."""

from fastapi import FastAPI

import stackyard_compute as stackyard_pkg
from stackyard_common.app import create_service_app
from stackyard_common.settings import Settings
from stackyard_compute.availability_zones.endpoints import router as zones_router
from stackyard_compute.common.runtime import runtime_lifespan
from stackyard_compute.flavors.endpoints import router as flavors_router
from stackyard_compute.instances.action_endpoints import router as instance_actions_router
from stackyard_compute.instances.endpoints import router as instances_router
from stackyard_compute.instances.internal import router as internal_instances_router
from stackyard_compute.server_groups.endpoints import router as server_groups_router

__all__ = ["app", "create_app"]

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The compute service with every router it serves."""
    return create_service_app(
        "compute",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            instances_router,
            instance_actions_router,
            flavors_router,
            server_groups_router,
            zones_router,
            internal_instances_router,
        ],
        lifespans=[runtime_lifespan],
    )


app = create_app()
