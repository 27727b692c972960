"""Errors of the upload path, and the cloud's errors as the API tells them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from stackyard_common.api import ServiceUnavailable, StackyardError, ValidationFailed
from stackyard_common.openstack import BadRequest, OpenStackError, QuotaExceeded

__all__ = ["LengthRequired", "UnsupportedMediaType", "UploadFailed", "cloud_errors"]


class LengthRequired(StackyardError):
    """411: the size limits are checked before the upload, so the length must be known."""

    status_code = 411
    default_detail = "Content-Length is required: image limits are checked before the upload."


class UnsupportedMediaType(StackyardError):
    status_code = 415
    default_detail = "Image data must be sent as application/octet-stream."


class UploadFailed(StackyardError):
    """502: the data did not reach Glance whole, or Glance does not show it as sent."""

    status_code = 502
    default_detail = "Verification failed."


@asynccontextmanager
async def cloud_errors() -> AsyncIterator[None]:
    """Turn the cloud's errors into the API's: a refusal is a 400 with the cloud's
    message, anything else (outage, timeout, broken connection) a 503."""
    try:
        yield
    except (BadRequest, QuotaExceeded) as error:
        raise ValidationFailed(f"The cloud refused: {error}") from error
    except OpenStackError as error:
        raise ServiceUnavailable(f"HTTPX request failed: {error}") from error
