"""The service catalog of a Keystone token: where Nova, Neutron, Cinder and Glance live."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._errors import EndpointNotFound

__all__ = ["SERVICE_TYPES", "ServiceCatalog"]

# The catalog types each service may be registered under (the official type first), and
# the API version the client speaks to it, appended when the endpoint URL stops short of it.
SERVICE_TYPES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "compute": (("compute",), None),
    "network": (("network",), "v2.0"),
    "volume": (("block-storage", "volumev3", "volume"), None),
    "image": (("image",), "v2"),
}


class ServiceCatalog:
    """The endpoints of one token, looked up by service, interface and region."""

    def __init__(self, entries: Sequence[dict[str, Any]]) -> None:
        self._entries = list(entries)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The catalog as Keystone returned it."""
        return self._entries

    def endpoint(self, service: str, interface: str = "public", region: str | None = None) -> str:
        """The base URL of `service` ("compute", "network", "volume", "image").

        The URL ends with the API version the client speaks (`/v2.0` for Neutron, `/v2`
        for Glance; Nova's and Cinder's catalog URLs already carry theirs).
        """
        types, version = SERVICE_TYPES.get(service, ((service,), None))
        for service_type in types:
            for entry in self._entries:
                if entry.get("type") != service_type:
                    continue
                for endpoint in entry.get("endpoints", []):
                    if endpoint.get("interface") != interface:
                        continue
                    found_region = endpoint.get("region_id") or endpoint.get("region")
                    if region is not None and found_region != region:
                        continue
                    return _with_version(str(endpoint["url"]), version)
        where = f"interface {interface}" + (f", region {region}" if region else "")
        raise EndpointNotFound(f"the catalog has no {service} endpoint ({where})", service=service)


def _with_version(url: str, version: str | None) -> str:
    url = url.rstrip("/")
    if version is None or url.rsplit("/", 1)[-1] == version:
        return url
    return f"{url}/{version}"
