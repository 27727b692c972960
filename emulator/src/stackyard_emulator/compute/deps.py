"""Dependencies shared by the Nova routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from stackyard_emulator.errors import ApiError, nova_error
from stackyard_emulator.microversion import Version, negotiate

from .state import ComputeState

MIN_VERSION: Version = (2, 1)
MAX_VERSION: Version = (2, 87)
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"


async def compute_version(request: Request) -> Version:
    """The microversion of a Nova request (2.1 when none is asked for)."""
    return negotiate(request, "compute", LEGACY_HEADER, MIN_VERSION, MAX_VERSION, nova_error)


def bad(message: str) -> ApiError:
    """Nova's 400."""
    return nova_error(400, message)


async def compute_of(request: Request) -> ComputeState:
    """The compute state of the cloud serving ``request``."""
    state: ComputeState = request.app.state.cloud.compute
    return state


VersionDep = Annotated[Version, Depends(compute_version)]
ComputeDep = Annotated[ComputeState, Depends(compute_of)]
