"""The storage service's HTTP application (run with `uvicorn stackyard_storage.app:app`)."""

from fastapi import FastAPI

import stackyard_storage as stackyard_pkg
from stackyard_common.app import create_service_app
from stackyard_common.settings import Settings
from stackyard_storage.backups.endpoints import router as backups_router
from stackyard_storage.common.runtime import runtime_lifespan
from stackyard_storage.pulls.internal import router as internal_operators_router
from stackyard_storage.snapshots.endpoints import router as snapshots_router
from stackyard_storage.volume_types.endpoints import router as volume_types_router
from stackyard_storage.volumes.action_endpoints import router as volume_actions_router
from stackyard_storage.volumes.endpoints import router as volumes_router
from stackyard_storage.volumes.internal import router as internal_volumes_router

__all__ = ["app", "create_app"]

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The storage service with every router it serves."""
    return create_service_app(
        "storage",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            volumes_router,
            volume_actions_router,
            snapshots_router,
            backups_router,
            volume_types_router,
            internal_volumes_router,
            internal_operators_router,
        ],
        lifespans=[runtime_lifespan],
    )


app = create_app()
