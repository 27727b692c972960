"""What compute code needs beside a database session: settings, the tenants' cloud
clients, the provisioning slots and the way to other services' internal APIs. One
`ComputeRuntime` per process: the API keeps it on `app.state.compute_runtime`, the
worker in its context."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

import httpx
from fastapi import Depends, FastAPI, Request
from redis.asyncio import Redis

from stackyard_common.db import Database
from stackyard_common.internal import call_service
from stackyard_common.openstack import OpenStackClient
from stackyard_common.resources.steps import RuntimeKey
from stackyard_common.settings import Settings
from stackyard_common.tenants import TenantClients
from stackyard_compute.common.provisioning_slots import ProvisioningSlots
from stackyard_compute.common.settings import ComputeSettings, compute_settings

__all__ = [
    "RUNTIME",
    "RUNTIME_KEY",
    "CloudClients",
    "ComputeRuntime",
    "ComputeRuntimeDep",
    "runtime_lifespan",
    "runtime_of",
]

RUNTIME_KEY = "compute_runtime"
SERVICE = "compute"


class CloudClients(Protocol):
    """Cloud sessions scoped to one tenant each (`TenantClients` in production)."""

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        """The client of `tenant`'s own user in its cloud project."""

    async def aclose(self) -> None:
        """Close every client."""


@dataclass
class ComputeRuntime:
    """Settings, clients and slots of one process; `transports` replace the network to
    other services (tests)."""

    settings: Settings
    database: Database
    redis: Redis
    clouds: CloudClients
    compute: ComputeSettings = field(default_factory=compute_settings)
    transports: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    slots: ProvisioningSlots = field(init=False)

    def __post_init__(self) -> None:
        self.slots = ProvisioningSlots(self.redis, self.settings.redis.key("provision-slots"))

    async def call(
        self, service: str, method: str, path: str, *, json: Any = None
    ) -> httpx.Response:
        """`method path` on `service`'s internal API, as compute."""
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


def default_clouds(settings: Settings, redis: Redis) -> CloudClients:
    """The production clients: tenant sessions through identity's internal endpoint."""
    return TenantClients(settings, SERVICE, redis)


def runtime_for(state: Any) -> ComputeRuntime:
    """A runtime on an app's (or a worker's) settings, database and Redis; tests may set
    `cloud_clients`, `internal_transports` and `compute_settings` on it first."""
    clouds = getattr(state, "cloud_clients", None) or default_clouds(state.settings, state.redis)
    return ComputeRuntime(
        state.settings,
        state.database,
        state.redis,
        clouds,
        getattr(state, "compute_settings", None) or compute_settings(),
        dict(getattr(state, "internal_transports", None) or {}),
    )


@asynccontextmanager
async def runtime_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Give the API its runtime."""
    runtime = runtime_for(app.state)
    app.state.compute_runtime = runtime
    try:
        yield
    finally:
        await runtime.aclose()


RUNTIME: RuntimeKey[ComputeRuntime] = RuntimeKey(RUNTIME_KEY)
"""Where saga steps find the runtime (`stackyard_common.resources.steps`)."""


def runtime_of(services: Mapping[str, Any]) -> ComputeRuntime:
    """The runtime in a worker's context (a saga step's `ctx.services`)."""
    return RUNTIME.of(services)


def _runtime(request: Request) -> ComputeRuntime:
    runtime: ComputeRuntime = request.app.state.compute_runtime
    return runtime


ComputeRuntimeDep = Annotated[ComputeRuntime, Depends(_runtime)]
