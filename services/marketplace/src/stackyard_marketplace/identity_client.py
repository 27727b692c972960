"""Marketplace's calls to identity's internal API (identity's own port, service tokens).

    create_connection / update_connection   the cloud connection behind a tenant offering
    credentials                             its secrets, for staff who ask for them
    project / customer                      a project and its organisation; an organisation
    validate_tenant                         would identity provision this tenant?

Identity's 400 answers come back as `ValidationFailed` with identity's field errors; a
404 as `NotFound` (None for `project`); anything else as `ServiceUnavailable`.

Calls go through `stackyard_common.internal.call_service` on one connection pool per
process (`identity_lifespan`): a client per call would cost an SSL context each time.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

import httpx
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel

from stackyard_common.api import NotFound, ServiceUnavailable, ValidationFailed
from stackyard_common.auth import CloudCredentials, fetch_cloud_credentials
from stackyard_common.internal import call_service
from stackyard_common.settings import Settings
from stackyard_marketplace.settings import marketplace_settings

__all__ = ["IdentityClient", "IdentityDep", "ProjectInfo", "SharedTransport", "identity_lifespan"]

SERVICE = "marketplace"


def _dotted(errors: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    # Identity's nested field errors as the dotted names `ValidationFailed` nests again.
    flat: dict[str, list[str]] = {}
    for name, value in errors.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_dotted(value, f"{key}."))
        else:
            flat[key] = [str(item) for item in value] if isinstance(value, list) else [str(value)]
    return flat


class ProjectInfo(BaseModel):
    """A project and its organisation, as identity has them."""

    uuid: UUID
    name: str
    customer_uuid: UUID
    customer_name: str


class IdentityClient:
    """Internal calls to identity; `transport` replaces the network (tests)."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | None = None,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.timeout = timeout or marketplace_settings().identity_timeout

    async def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = await call_service(
            self.settings,
            SERVICE,
            "identity",
            method,
            path,
            json=body,
            timeout=self.timeout,
            transport=self.transport,
        )
        if response.status_code == 400:
            raise ValidationFailed(_dotted(response.json()))
        if response.status_code == 404:
            raise NotFound(response.json().get("detail", "Not found."))
        if response.status_code >= 300:
            detail = response.json().get("detail", "") if response.content else ""
            raise ServiceUnavailable(f"Identity answered {response.status_code}. {detail}")
        return response

    async def create_connection(self, body: dict[str, Any]) -> uuid.UUID:
        """Create a cloud connection; its uuid."""
        response = await self._call("POST", "/internal/cloud-connections/", body)
        return uuid.UUID(response.json()["uuid"])

    async def update_connection(self, connection: uuid.UUID, body: dict[str, Any]) -> None:
        """Change the given fields of a cloud connection."""
        await self._call("PUT", f"/internal/cloud-connections/{connection}", body)

    async def credentials(self, connection: uuid.UUID) -> CloudCredentials:
        """The decrypted credentials of a cloud connection."""
        return await fetch_cloud_credentials(
            self.settings, SERVICE, connection, transport=self.transport, timeout=self.timeout
        )

    async def project(self, project: uuid.UUID) -> ProjectInfo | None:
        """The project, or None when identity has no such project."""
        try:
            response = await self._call("GET", f"/internal/projects/{project}")
        except NotFound:
            return None
        return ProjectInfo.model_validate(response.json())

    async def customer_name(self, customer: uuid.UUID) -> str | None:
        """The organisation's name, or None when identity has no such organisation."""
        try:
            response = await self._call("GET", f"/internal/customers/{customer}")
        except NotFound:
            return None
        return str(response.json()["name"])

    async def validate_tenant(
        self, connection: uuid.UUID, customer: uuid.UUID, attributes: dict[str, Any]
    ) -> dict[str, Any]:
        """The tenant attributes as identity normalises them; `ValidationFailed` with
        errors under `attributes` when identity would refuse them."""
        response = await self._call(
            "POST",
            "/internal/tenants/validate",
            {
                "cloud_connection_uuid": str(connection),
                "customer_uuid": str(customer),
                "attributes": attributes,
            },
        )
        normalised: dict[str, Any] = response.json()["attributes"]
        return normalised


class SharedTransport(httpx.AsyncBaseTransport):
    """A transport that outlives the clients made on it: closing a client leaves the
    connection pool open for the next one (`aclose_pool` closes it)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing: the pool belongs to the process, not to one client."""

    async def aclose_pool(self) -> None:
        """Close the connection pool itself."""
        await self.inner.aclose()


@asynccontextmanager
async def identity_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """One pool of connections to identity for the process (unless a test set a
    transport of its own)."""
    if getattr(app.state, "identity_transport", None) is not None:
        yield
        return
    shared = SharedTransport(httpx.AsyncHTTPTransport())
    app.state.identity_transport = shared
    try:
        yield
    finally:
        await shared.aclose_pool()


def _identity(request: Request) -> IdentityClient:
    return IdentityClient(
        request.app.state.settings,
        transport=getattr(request.app.state, "identity_transport", None),
    )


IdentityDep = Annotated[IdentityClient, Depends(_identity)]
"""Identity's internal API, for the request's service."""
