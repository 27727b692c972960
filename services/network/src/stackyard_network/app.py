"""The network service's HTTP application (run with `uvicorn stackyard_network.app:app`)."""

from fastapi import FastAPI

import stackyard_network as stackyard_pkg
from stackyard_common.app import create_service_app

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app() -> FastAPI:
    """The network service with every router it serves."""
    return create_service_app("network", description=DESCRIPTION)


app = create_app()
