"""Request and response helpers shared by the service routers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .errors import ApiError


async def read_json(request: Request, error: Callable[[str], ApiError]) -> dict[str, Any]:
    """The request body as a JSON object; ``error`` builds the 400 otherwise."""
    raw = await request.body()
    if not raw:
        raise error("The request body is empty; a JSON object is required.")
    try:
        body = json.loads(raw)
    except ValueError:
        raise error("Malformed request body: the body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise error("Malformed request body: a JSON object is required.")
    return body


def member(body: dict[str, Any], key: str, error: Callable[[str], ApiError]) -> dict[str, Any]:
    """``body[key]`` which must be an object (``{"server": {...}}``)."""
    value = body.get(key)
    if not isinstance(value, dict):
        raise error(f"Invalid input: '{key}' is a required property and must be an object.")
    return value


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    return JSONResponse(body, status_code=status, headers=headers)


def empty(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    """A response without a body."""
    return Response(status_code=status, headers=headers)
