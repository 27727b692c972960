"""What storage code needs beside a database session: settings, the tenants' cloud
clients and the way to other services' internal APIs. One `StorageRuntime` per process:
the API keeps it on `app.state.storage_runtime`, the worker in its context."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

import httpx
from fastapi import Depends, FastAPI, Request

from stackyard_common.db import Database
from stackyard_common.internal import call_service
from stackyard_common.openstack import OpenStackClient
from stackyard_common.resources.steps import RuntimeKey
from stackyard_common.settings import Settings
from stackyard_common.tenants import TenantClients

__all__ = [
    "RUNTIME",
    "RUNTIME_KEY",
    "CloudClients",
    "StorageRuntime",
    "StorageRuntimeDep",
    "runtime_lifespan",
    "runtime_of",
]

RUNTIME_KEY = "storage_runtime"
SERVICE = "storage"


class CloudClients(Protocol):
    """Cloud sessions scoped to one tenant each (`TenantClients` in production)."""

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        """The client of `tenant`'s own user in its cloud project."""

    async def aclose(self) -> None:
        """Close every client."""


@dataclass
class StorageRuntime:
    """Settings, cloud clients and internal-call transports of one process;
    `transports` replace the network to other services (tests)."""

    settings: Settings
    database: Database
    clouds: CloudClients
    transports: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)

    async def call(
        self, service: str, method: str, path: str, *, json: Any = None
    ) -> httpx.Response:
        """`method path` on `service`'s internal API, as storage."""
        return await call_service(
            self.settings,
            SERVICE,
            service,
            method,
            path,
            json=json,
            transport=self.transports.get(service),
        )

    async def aclose(self) -> None:
        """Close the cloud clients."""
        await self.clouds.aclose()


def default_clouds(settings: Settings, redis: Any) -> CloudClients:
    """The production clients: tenant sessions through identity's internal endpoint."""
    return TenantClients(settings, SERVICE, redis)


@asynccontextmanager
async def runtime_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Give the API a runtime (`app.state.cloud_clients` and
    `app.state.internal_transports`, when set by tests, are used)."""
    clouds = getattr(app.state, "cloud_clients", None) or default_clouds(
        app.state.settings, app.state.redis
    )
    runtime = StorageRuntime(
        app.state.settings,
        app.state.database,
        clouds,
        dict(getattr(app.state, "internal_transports", {}) or {}),
    )
    app.state.storage_runtime = runtime
    try:
        yield
    finally:
        await runtime.aclose()


RUNTIME: RuntimeKey[StorageRuntime] = RuntimeKey(RUNTIME_KEY)
"""Where saga steps find the runtime (`stackyard_common.resources.steps`)."""


def runtime_of(services: Mapping[str, Any]) -> StorageRuntime:
    """The runtime in a worker's context (a saga step's `ctx.services`)."""
    return RUNTIME.of(services)


def _runtime(request: Request) -> StorageRuntime:
    runtime: StorageRuntime = request.app.state.storage_runtime
    return runtime


StorageRuntimeDep = Annotated[StorageRuntime, Depends(_runtime)]
