"""Errors in the body shapes of the real services.

Every handler raises :class:`ApiError`; the app turns it into a response. The
constructors below build the body each service really sends::

    ApiError
      nova_error     {"itemNotFound": {"code": 404, "message": ...}}
      cinder_error   same wsgi fault shape as Nova
      neutron_error  {"NeutronError": {"type": ..., "message": ..., "detail": ""}}
      glance_error   {"message": ..., "code": "404 Not Found", "title": "Not Found"}
      keystone_error {"error": {"code": 404, "message": ..., "title": "Not Found"}}
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

# Nova and Cinder name the fault after the status (nova.api.openstack.wsgi.Fault).
_FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}

# Neutron names the exception class in "type"; these are its classes for bare statuses.
_NEUTRON_TYPES = {
    400: "BadRequest",
    401: "NotAuthorized",
    403: "NotAuthorized",
    404: "NotFound",
    405: "HTTPMethodNotAllowed",
    409: "Conflict",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


class ApiError(Exception):
    """An HTTP error answer with a ready-made body."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def error_message(error: ApiError) -> str:
    """The human message inside any service's error body."""
    body: Any = error.body
    if "message" in body:
        return str(body["message"])
    inner = next(iter(body.values()), None)
    if isinstance(inner, dict) and "message" in inner:
        return str(inner["message"])
    return str(error)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def nova_error(status: int, message: str) -> ApiError:
    """A Nova fault: ``{"<faultName>": {"code": status, "message": message}}``."""
    name = _FAULT_NAMES.get(status, "computeFault")
    return ApiError(status, {name: {"code": status, "message": message}})


def cinder_error(status: int, message: str) -> ApiError:
    """A Cinder fault (Cinder shares Nova's wsgi fault format)."""
    name = _FAULT_NAMES.get(status, "computeFault")
    body: dict[str, Any] = {"code": status, "message": message}
    if status == 413:
        body["retryAfter"] = "0"
    return ApiError(status, {name: body})


def neutron_error(status: int, kind: str | None, message: str) -> ApiError:
    """A Neutron fault with the exception class name in ``type``."""
    kind = kind or _NEUTRON_TYPES.get(status, "NeutronException")
    return ApiError(status, {"NeutronError": {"type": kind, "message": message, "detail": ""}})


def glance_error(status: int, message: str) -> ApiError:
    """A Glance (webob) error as rendered for ``Accept: application/json``."""
    title = _title(status)
    return ApiError(status, {"message": message, "code": f"{status} {title}", "title": title})


def keystone_error(status: int, message: str) -> ApiError:
    """A Keystone error: ``{"error": {"code", "message", "title"}}``."""
    return ApiError(
        status, {"error": {"code": status, "message": message, "title": _title(status)}}
    )


def service_error(service: str | None, status: int, message: str) -> ApiError:
    """The generic error of ``service`` for a bare status (unknown path, injected fault)."""
    if service == "compute":
        return nova_error(status, message)
    if service == "volume":
        return cinder_error(status, message)
    if service == "network":
        return neutron_error(status, None, message)
    if service == "image":
        return glance_error(status, message)
    return keystone_error(status, message)


def unauthorized(service: str | None, base_url: str) -> ApiError:
    """What keystonemiddleware answers for a missing, expired or revoked token."""
    error = keystone_error(401, "The request you have made requires authentication.")
    error.headers["WWW-Authenticate"] = f'Keystone uri="{base_url}/identity"'
    if service == "identity":
        error.headers["WWW-Authenticate"] = f'Keystone uri="{base_url}/identity/v3"'
    return error
