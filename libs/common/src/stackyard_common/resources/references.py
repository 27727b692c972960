"""Reading references in requests: an object given as its uuid or as its URL."""

from __future__ import annotations

import uuid

from fastapi import Request

from stackyard_common.api import ValidationFailed

__all__ = ["absolute_url", "parse_reference"]


def absolute_url(request: Request, path: str) -> str:
    """`path` (starting with `/`) as an absolute URL on the request's own base URL."""
    return f"{str(request.base_url).rstrip('/')}{path}"


def parse_reference(field: str, value: str | uuid.UUID) -> uuid.UUID:
    """The uuid a field refers to, given as a uuid or as the object's URL; raises
    `ValidationFailed` on `field` for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    candidate = value.rstrip("/").rsplit("/", 1)[-1]
    try:
        return uuid.UUID(candidate)
    except ValueError as error:
        raise ValidationFailed.field(field, "Invalid reference: a uuid or a URL.") from error
