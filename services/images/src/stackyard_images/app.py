"""The images service's HTTP application (run with `uvicorn stackyard_images.app:app`)."""

from fastapi import FastAPI

import stackyard_images as stackyard_pkg
from stackyard_common.app import create_service_app

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app() -> FastAPI:
    """The images service with every router it serves."""
    return create_service_app("images", description=DESCRIPTION)


app = create_app()
