"""The cloud's errors as the operators' endpoints answer them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from stackyard_common.api import ServiceUnavailable
from stackyard_common.openstack import OpenStackError

__all__ = ["cloud_errors"]


@asynccontextmanager
async def cloud_errors() -> AsyncIterator[None]:
    """A cloud error inside becomes a 503 whose detail is the cloud's own message, so
    the operator reads what the cloud said rather than a bare failure."""
    try:
        yield
    except OpenStackError as error:
        raise ServiceUnavailable(f"The cloud refused: {error}") from error
