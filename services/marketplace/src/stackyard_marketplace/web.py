"""Small helpers of marketplace's endpoints: absolute URLs and object references."""

from __future__ import annotations

import uuid

from fastapi import Request

from stackyard_common.api import ValidationFailed

__all__ = ["absolute_url", "parse_reference", "url_of"]


def absolute_url(request: Request, path: str) -> str:
    """`path` (starting with `/`) on the request's own base URL (the gateway's, behind it)."""
    return f"{str(request.base_url).rstrip('/')}{path}"


def url_of(request: Request, collection: str, item: uuid.UUID | None) -> str | None:
    """The URL of `item` in `/api/<collection>/`, None for no item."""
    return absolute_url(request, f"/api/{collection}/{item}/") if item is not None else None


def parse_reference(field: str, value: str | uuid.UUID) -> uuid.UUID:
    """The uuid a field refers to, given as a uuid or as the object's URL;
    `ValidationFailed` on `field` for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    candidate = value.rstrip("/").rsplit("/", 1)[-1]
    try:
        return uuid.UUID(candidate)
    except ValueError as error:
        raise ValidationFailed.field(field, "Invalid reference: a uuid or a URL.") from error
