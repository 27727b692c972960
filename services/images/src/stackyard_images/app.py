"""The images service's HTTP application (run with `uvicorn stackyard_images.app:app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import stackyard_images as stackyard_pkg
from stackyard_common.app import create_service_app
from stackyard_common.settings import Settings
from stackyard_images.clouds import CLOUDS_KEY, Clouds
from stackyard_images.images.endpoints import router as images_router
from stackyard_images.uploads.endpoints import routers as upload_routers

__all__ = ["app", "create_app"]

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


@asynccontextmanager
async def _clouds(app: FastAPI) -> AsyncIterator[None]:
    # A test may have put its own cloud access in place before the start.
    if getattr(app.state, CLOUDS_KEY, None) is None:
        setattr(app.state, CLOUDS_KEY, Clouds(app.state.settings, app.state.redis))
    try:
        yield
    finally:
        await getattr(app.state, CLOUDS_KEY).aclose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The images service with every router it serves."""
    return create_service_app(
        "images",
        description=DESCRIPTION,
        settings=settings,
        routers=[images_router, *upload_routers],
        lifespans=[_clouds],
    )


app = create_app()
