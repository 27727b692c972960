"""The storage service's HTTP application (run with `uvicorn stackyard_storage.app:app`)."""

from fastapi import FastAPI

import stackyard_storage as stackyard_pkg
from stackyard_common.app import create_service_app

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app() -> FastAPI:
    """The storage service with every router it serves."""
    return create_service_app("storage", description=DESCRIPTION)


app = create_app()
