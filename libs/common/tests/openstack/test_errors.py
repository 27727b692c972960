"""Error answers of every service map to the one exception tree."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from stackyard_common.openstack import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    OpenStackError,
    QuotaExceeded,
    Unauthorized,
    Unavailable,
)
from stackyard_common.openstack._errors import error_for_response


def _response(
    status: int, body: Any = None, text: str | None = None, **headers: str
) -> httpx.Response:
    request = httpx.Request("POST", "http://cloud.test/v2.1/servers?name=x")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


@pytest.mark.parametrize(
    ("response", "expected", "message"),
    [
        (
            _response(
                404, {"itemNotFound": {"code": 404, "message": "Instance x could not be found."}}
            ),
            NotFound,
            "Instance x could not be found.",
        ),
        (
            _response(409, {"conflictingRequest": {"code": 409, "message": "in task_state"}}),
            Conflict,
            "in task_state",
        ),
        (
            _response(403, {"forbidden": {"code": 403, "message": "Quota exceeded for cores"}}),
            QuotaExceeded,
            "Quota exceeded for cores",
        ),
        (
            _response(
                413, {"overLimit": {"code": 413, "message": "VolumeSizeExceedsAvailableQuota"}}
            ),
            QuotaExceeded,
            "VolumeSizeExceedsAvailableQuota",
        ),
        (
            _response(
                409,
                {
                    "NeutronError": {
                        "type": "OverQuota",
                        "message": "Quota exceeded for resources: ['network'].",
                    }
                },
            ),
            QuotaExceeded,
            "Quota exceeded for resources: ['network'].",
        ),
        (
            _response(409, {"NeutronError": {"type": "IpAddressInUse", "message": "in use"}}),
            Conflict,
            "in use",
        ),
        (
            _response(404, {"NeutronError": {"type": "NetworkNotFound", "message": "Network n"}}),
            NotFound,
            "Network n",
        ),
        (
            _response(403, {"forbidden": {"code": 403, "message": "Policy doesn't allow"}}),
            Forbidden,
            "Policy doesn't allow",
        ),
        (
            _response(401, {"error": {"code": 401, "title": "Unauthorized", "message": "Auth"}}),
            Unauthorized,
            "Auth",
        ),
        (
            _response(400, {"error": {"code": 400, "message": "Invalid input for field"}}),
            BadRequest,
            "Invalid input for field",
        ),
        (
            _response(404, text="<html><body><h1>404 Not Found</h1>No image found</body></html>"),
            NotFound,
            "404 Not Found No image found",
        ),
        (
            _response(
                409,
                {"message": "Image status transition", "code": "409 Conflict", "title": "Conflict"},
            ),
            Conflict,
            "Image status transition",
        ),
        (_response(503, text=""), Unavailable, "Service Unavailable"),
        (_response(429, text="slow down"), Unavailable, "slow down"),
        (_response(422, {"unexpected": ["shape"]}), BadRequest, '{"unexpected": ["shape"]}'),
    ],
)
def test_error_mapping(response: httpx.Response, expected: type[ApiError], message: str) -> None:
    error = error_for_response(response, service="compute", cloud="c1")
    assert type(error) is expected
    assert error.message == message
    assert error.status == response.status_code
    assert (error.cloud, error.service, error.method) == ("c1", "compute", "POST")
    assert error.url == "http://cloud.test/v2.1/servers"


def test_the_request_id_and_context_are_in_the_text() -> None:
    response = _response(
        404,
        {"itemNotFound": {"code": 404, "message": "gone"}},
        **{"x-openstack-request-id": "req-abc"},
    )
    error = error_for_response(response, service="compute", cloud="c1")
    assert error.request_id == "req-abc"
    assert str(error) == (
        "POST http://cloud.test/v2.1/servers: gone "
        "(cloud=c1, service=compute, status=404, request_id=req-abc)"
    )
    assert isinstance(error, OpenStackError)


def test_long_html_pages_are_cut_short() -> None:
    error = error_for_response(_response(500, text="<p>" + "x" * 5000 + "</p>"), service="image")
    assert len(error.message) == 500
