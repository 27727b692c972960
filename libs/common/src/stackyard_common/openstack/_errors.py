"""The exceptions the OpenStack client raises, and how cloud answers map to them.

Every error carries what is needed to find the call in the cloud's own logs: the
cloud's name, the service, the HTTP method, the URL (never a token or a password),
the HTTP status, the cloud's request id and the cloud's message::

    OpenStackError
    ├── EndpointNotFound      the token's catalog has no such service/interface/region
    ├── ResourceFailed        wait_for_status saw a failure status (ERROR, error, ...)
    ├── Timeout               a request timed out, or a wait passed its deadline
    └── ApiError              the cloud answered with an error status
        ├── BadRequest        400 (and other 4xx without a class of their own)
        ├── Unauthorized      401 (after one re-authentication)
        ├── Forbidden         403
        ├── NotFound          404
        ├── Conflict          409
        ├── QuotaExceeded     Nova 413/403 "Quota exceeded", Neutron OverQuota, Cinder 413
        └── Unavailable       5xx, 429 and connection failures, once retries are spent

`raise_for_response` turns an error response into one of these, reading the bodies of
Nova and Cinder (`{"itemNotFound": {"message": ...}}`), Neutron
(`{"NeutronError": {"type": ..., "message": ...}}`), Keystone (`{"error": {...}}`) and
Glance (JSON or HTML/text).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "EndpointNotFound",
    "Forbidden",
    "NotFound",
    "OpenStackError",
    "QuotaExceeded",
    "ResourceFailed",
    "Timeout",
    "Unauthorized",
    "Unavailable",
    "error_for_response",
    "request_id_of",
]

REQUEST_ID_HEADERS = ("x-openstack-request-id", "x-compute-request-id")

# Cloud messages are shown to people; a whole HTML page is not a message.
_MESSAGE_LIMIT = 500


class OpenStackError(Exception):
    """Base of every error of the OpenStack client."""

    def __init__(
        self,
        message: str,
        *,
        cloud: str | None = None,
        service: str | None = None,
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = message
        self.cloud = cloud
        self.service = service
        self.method = method
        self.url = url
        self.status = status
        self.request_id = request_id
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = " ".join(part for part in (self.method, self.url) if part)
        context = [
            f"cloud={self.cloud}" if self.cloud else "",
            f"service={self.service}" if self.service else "",
            f"status={self.status}" if self.status is not None else "",
            f"request_id={self.request_id}" if self.request_id else "",
        ]
        details = ", ".join(part for part in context if part)
        text = self.message
        if where:
            text = f"{where}: {text}"
        return f"{text} ({details})" if details else text


class EndpointNotFound(OpenStackError):
    """The token's catalog lists no endpoint for the service, interface and region."""


class ResourceFailed(OpenStackError):
    """A resource reached one of the failure statuses while it was being waited for."""

    def __init__(self, message: str, *, resource: Any = None, **context: Any) -> None:
        self.resource = resource
        super().__init__(message, **context)


class Timeout(OpenStackError):
    """A request got no answer in time, or a wait passed its deadline."""


class ApiError(OpenStackError):
    """The cloud answered with an error status."""


class BadRequest(ApiError):
    """400: the cloud refused the request's content."""


class Unauthorized(ApiError):
    """401: the credentials are wrong, or a fresh token was refused too."""


class Forbidden(ApiError):
    """403: the credentials may not do this."""


class NotFound(ApiError):
    """404: no such resource (or it is not visible to these credentials)."""


class Conflict(ApiError):
    """409: the resource's state does not allow the request."""


class QuotaExceeded(ApiError):
    """The project's quota does not allow the request."""


class Unavailable(ApiError):
    """The cloud is unreachable or overloaded (5xx, 429, connection failures)."""


def request_id_of(response: httpx.Response) -> str | None:
    """The cloud's request id of `response`, from whichever header the service sets."""
    for header in REQUEST_ID_HEADERS:
        value = response.headers.get(header)
        if value:
            return str(value)
    return None


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError, httpx.ResponseNotRead):
        return None


def _text(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""
    # Glance and proxies answer with HTML pages; keep their words, not their markup.
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:_MESSAGE_LIMIT]


def _message_and_kind(response: httpx.Response) -> tuple[str, str]:
    """The cloud's message and its error kind (Nova fault name, Neutron type), if any."""
    body = _body(response)
    if isinstance(body, dict):
        neutron = body.get("NeutronError")
        if isinstance(neutron, dict):
            return str(neutron.get("message", "")), str(neutron.get("type", ""))
        if isinstance(body.get("error"), dict):  # Keystone
            error = body["error"]
            return str(error.get("message", "")), str(error.get("title", ""))
        if "message" in body and not isinstance(body["message"], dict):  # Glance JSON
            return str(body["message"]), str(body.get("title", ""))
        if len(body) == 1:  # Nova and Cinder: {"<faultName>": {"message": ..}}
            ((kind, fault),) = body.items()
            if isinstance(fault, dict) and "message" in fault:
                return str(fault["message"]), str(kind)
        if "detail" in body:
            return str(body["detail"]), ""
        return json.dumps(body)[:_MESSAGE_LIMIT], ""
    return _text(response), ""


def _is_quota(status: int, message: str, kind: str) -> bool:
    lowered = message.lower()
    if kind == "OverQuota":  # Neutron, answered with 409
        return True
    if status == 413 and kind == "overLimit":  # Cinder (and Nova before 2.1)
        return True
    if status in (403, 413) and ("quota exceeded" in lowered or "exceeds quota" in lowered):
        return True
    return status == 413 and "quota" in lowered


def error_for_response(
    response: httpx.Response, *, service: str, cloud: str | None = None
) -> ApiError:
    """The exception that stands for the error `response` (whose body has been read)."""
    status = response.status_code
    message, kind = _message_and_kind(response)
    message = message or response.reason_phrase or f"HTTP {status}"
    error_class: type[ApiError]
    if _is_quota(status, message, kind):
        error_class = QuotaExceeded
    elif status == 401:
        error_class = Unauthorized
    elif status == 403:
        error_class = Forbidden
    elif status == 404:
        error_class = NotFound
    elif status == 409:
        error_class = Conflict
    elif status == 429 or status >= 500:
        error_class = Unavailable
    else:
        error_class = BadRequest
    return error_class(
        message,
        cloud=cloud,
        service=service,
        method=response.request.method,
        url=str(response.request.url.copy_with(query=None)),
        status=status,
        request_id=request_id_of(response),
    )
