"""Errors that carry their HTTP status, and the handlers that render them.

Every error body is JSON in the shapes the reference API uses:

    400  {"<field>": ["message", ...], "non_field_errors": ["message"]}   (nested fields nest)
    401, 403, 404, 409, 503  {"detail": "message"}

    StackyardError
    ├── ValidationFailed   400
    ├── NotAuthenticated   401
    ├── PermissionDenied   403
    ├── NotFound           404
    ├── Conflict           409
    └── ServiceUnavailable 503

An unexpected exception answers 500 `{"detail": "Internal server error.", "request_id": ...}`
and is logged with its traceback; a traceback never reaches the client.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "Conflict",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "ServiceUnavailable",
    "StackyardError",
    "ValidationFailed",
    "error_responses",
    "install_error_handlers",
]

NON_FIELD_ERRORS = "non_field_errors"
FieldErrors = dict[str, Any]

log = structlog.get_logger(__name__)


class StackyardError(Exception):
    """Base of every error an endpoint may raise on purpose."""

    status_code: ClassVar[int] = 500
    default_detail: ClassVar[str] = "Internal server error."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        return {"detail": self.detail}


class ValidationFailed(StackyardError):
    """Invalid input: 400 with the errors of each field."""

    status_code = 400
    default_detail = "Invalid input."

    def __init__(self, errors: Mapping[str, str | Sequence[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {NON_FIELD_ERRORS: [errors]}
        self.errors: FieldErrors = {}
        for field, messages in errors.items():
            listed = [messages] if isinstance(messages, str) else list(messages)
            _insert(self.errors, field.split("."), listed)
        super().__init__(f"Invalid input: {self.errors}")

    @classmethod
    def field(cls, name: str, message: str) -> ValidationFailed:
        """One field's error; `name` may be dotted (`limits.cores`)."""
        return cls({name: [message]})

    def body(self) -> dict[str, Any]:
        return self.errors


class NotAuthenticated(StackyardError):
    status_code = 401
    default_detail = "Authentication credentials were not provided."


class PermissionDenied(StackyardError):
    status_code = 403
    default_detail = "You do not have permission to perform this action."


class NotFound(StackyardError):
    status_code = 404
    default_detail = "Not found."


class Conflict(StackyardError):
    status_code = 409
    default_detail = "The resource's state does not allow this action."


class ServiceUnavailable(StackyardError):
    status_code = 503
    default_detail = "Service temporarily unavailable."


def _insert(tree: FieldErrors, path: list[str], messages: list[str]) -> None:
    head, *rest = path
    if not rest:
        existing = tree.setdefault(head, [])
        if isinstance(existing, list):
            existing.extend(messages)
        else:
            existing.setdefault(NON_FIELD_ERRORS, []).extend(messages)
        return
    child = tree.setdefault(head, {})
    if isinstance(child, list):
        child = tree[head] = {NON_FIELD_ERRORS: child}
    _insert(child, rest, messages)


def _validation_errors(exc: RequestValidationError) -> FieldErrors:
    """Turn FastAPI's error list into the field-keyed shape, dropping the `body` root."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"body", "query", "path", "header", "cookie"}:
            location = location[1:]
        field = ".".join(location) or NON_FIELD_ERRORS
        message = str(error.get("msg", "Invalid value."))
        if error.get("type") == "missing":
            message = "This field is required."
        errors.setdefault(field, []).append(message)
    return ValidationFailed(errors).errors


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": True,
    "description": "Field name → list of messages; `non_field_errors` for the whole input.",
}


def error_responses(*errors: type[StackyardError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the errors an endpoint can raise."""
    responses: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        schema = _FIELD_ERROR_SCHEMA if issubclass(error, ValidationFailed) else _ERROR_SCHEMA
        responses[error.status_code] = {
            "description": error.default_detail,
            "content": {"application/json": {"schema": schema}},
        }
    return responses


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as JSON in the documented shapes."""

    @app.exception_handler(StackyardError)
    async def _stackyard_error(request: Request, exc: StackyardError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(_validation_errors(exc), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = "Not found." if exc.status_code == 404 else str(exc.detail)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None)
        log.exception(
            "unhandled_error",
            path=request.url.path,
            method=request.method,
            request_id=request_id,
        )
        headers = {"X-Request-ID": request_id} if request_id else None
        return JSONResponse(
            {"detail": "Internal server error.", "request_id": request_id},
            status_code=500,
            headers=headers,
        )
