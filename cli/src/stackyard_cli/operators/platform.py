"""How the operators' commands reach the platform: the internal APIs of identity and
the marketplace, with a service token in the operator's name (`OPERATOR`), signed with
the settings every process of the platform shares.

Every failure becomes an `OperatorError` whose message an operator can act on (the
service that did not answer, the offering that does not exist), never a traceback.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from stackyard_common.api import NotFound, ServiceUnavailable
from stackyard_common.auth import CloudCredentials, fetch_cloud_credentials
from stackyard_common.auth.service_tokens import OPERATOR
from stackyard_common.internal import call_service
from stackyard_common.settings import Settings

__all__ = ["OperatorError", "Platform"]

# A tenant's call reads three quota sets from its cloud, and a push writes them.
TIMEOUT = 60.0


class OperatorError(Exception):
    """What an operator's command reports before it exits non-zero."""


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        if "detail" in body:
            return str(body["detail"])
        if "non_field_errors" in body:
            return " ".join(str(item) for item in body["non_field_errors"])
    return str(body)[:200]


@dataclass(frozen=True)
class Platform:
    """The platform's services, as the operator's commands call them."""

    settings: Settings

    async def call(self, service: str, method: str, path: str, body: Any = None) -> Any:
        """The JSON answer of `method path` on `service`; `OperatorError` otherwise."""
        try:
            response = await call_service(
                self.settings, OPERATOR, service, method, path, json=body, timeout=TIMEOUT
            )
        except ServiceUnavailable:
            url = self.settings.ports.service_url(service)
            raise OperatorError(f"the {service} service does not answer at {url}") from None
        if response.status_code >= 300:
            raise OperatorError(f"{service} answered {response.status_code}: {_detail(response)}")
        return response.json()

    async def offering(self, reference: str) -> dict[str, Any]:
        """The marketplace offering of that uuid or name."""
        # A query parameter: a name may hold anything, slashes included.
        query = urlencode({"reference": reference})
        offering: dict[str, Any] = await self.call(
            "marketplace", "GET", f"/internal/offerings?{query}"
        )
        return offering

    async def connection_of(self, reference: str) -> tuple[dict[str, Any], uuid.UUID]:
        """An `OpenStack.Tenant` offering and the uuid of its cloud connection."""
        offering = await self.offering(reference)
        if offering["type"] != "OpenStack.Tenant" or not offering["scope_uuid"]:
            raise OperatorError(
                f"offering {offering['name']} ({offering['uuid']}) is {offering['type']}, "
                "not an OpenStack.Tenant offering with a cloud connection"
            )
        return offering, uuid.UUID(offering["scope_uuid"])

    async def credentials(self, connection: uuid.UUID) -> CloudCredentials:
        """The admin credentials of a cloud connection (identity's internal API)."""
        try:
            return await fetch_cloud_credentials(self.settings, OPERATOR, connection)
        except NotFound:
            raise OperatorError(f"identity has no cloud connection {connection}") from None
        except ServiceUnavailable as error:
            raise OperatorError(f"identity: {error.detail}") from None

    async def tenants(self, tenant: uuid.UUID | None = None) -> list[dict[str, Any]]:
        """Identity's tenants (or the one asked for), oldest first."""
        path = "/internal/operators/tenants"
        if tenant is not None:
            path += f"?tenant_uuid={tenant}"
        tenants: list[dict[str, Any]] = await self.call("identity", "GET", path)
        if tenant is not None and not tenants:
            raise OperatorError(f"identity has no tenant {tenant}")
        return tenants
