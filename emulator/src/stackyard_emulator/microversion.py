"""Microversion negotiation for Nova (``compute``) and Cinder (``volume``)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from .errors import ApiError

Version = tuple[int, int]


def parse(text: str) -> Version | None:
    """``"2.53"`` as ``(2, 53)``; ``None`` when malformed."""
    major, _, minor = text.strip().partition(".")
    if not (major.isdigit() and minor.isdigit()):
        return None
    return int(major), int(minor)


def text(version: Version) -> str:
    """``(2, 53)`` as ``"2.53"``."""
    return f"{version[0]}.{version[1]}"


def negotiate(
    request: Request,
    service: str,
    legacy_header: str | None,
    minimum: Version,
    maximum: Version,
    error: Callable[[int, str], ApiError],
) -> Version:
    """The version a request asks for (default: the minimum), or 406/400 as the service does.

    The chosen version is left in ``request.state`` so the response can carry it.
    """
    requested: str | None = None
    header = request.headers.get("openstack-api-version")
    if header:
        for part in header.split(","):
            name, _, value = part.strip().partition(" ")
            if name.lower() == service:
                requested = value.strip()
    if requested is None and legacy_header:
        requested = request.headers.get(legacy_header)
    if requested is None:
        version = minimum
    elif requested.lower() == "latest":
        version = maximum
    else:
        parsed = parse(requested)
        if parsed is None:
            raise error(
                400,
                f"API Version String {requested} is of invalid format. Must be of "
                "format MajorNum.MinorNum.",
            )
        if not minimum <= parsed <= maximum:
            raise error(
                406,
                f"Version {requested} is not supported by the API. Minimum is "
                f"{text(minimum)} and maximum is {text(maximum)}.",
            )
        version = parsed
    request.state.microversion = (service, text(version), legacy_header)
    return version


def response_headers(
    service: str, version: str, legacy_header: str | None
) -> list[tuple[bytes, bytes]]:
    """The headers that tell the client which version answered."""
    headers = [
        (b"openstack-api-version", f"{service} {version}".encode()),
        (
            b"vary",
            b"OpenStack-API-Version" + (b", " + legacy_header.encode() if legacy_header else b""),
        ),
    ]
    if legacy_header:
        headers.append((legacy_header.lower().encode(), version.encode()))
    return headers
