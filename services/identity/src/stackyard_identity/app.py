"""The identity service's HTTP application (run with `uvicorn stackyard_identity.app:app`)."""

from fastapi import FastAPI

import stackyard_identity as stackyard_pkg
from stackyard_common.app import create_service_app

DESCRIPTION = (stackyard_pkg.__doc__ or "").strip()


def create_app() -> FastAPI:
    """The identity service with every router it serves."""
    return create_service_app("identity", description=DESCRIPTION)


app = create_app()
