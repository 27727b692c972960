"""The marketplace service's HTTP application (run with `uvicorn stackyard_marketplace.app:app`)."""

from fastapi import FastAPI

import stackyard_marketplace as stackyard_pkg
from stackyard_common.app import create_service_app

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app() -> FastAPI:
    """The marketplace service with every router it serves."""
    return create_service_app("marketplace", description=DESCRIPTION)


app = create_app()
