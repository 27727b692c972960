"""What tenant code needs beside a database session: settings, cloud clients and the
external networks cache. One `TenantRuntime` per process: the API keeps it on
`app.state.tenant_runtime`, the worker in its context (`runtime_of`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request
from redis.asyncio import Redis

from stackyard_common.crypto import SecretBox
from stackyard_common.db import Database
from stackyard_common.settings import Settings
from stackyard_identity.keys import IdentityKeys
from stackyard_identity.tenants.cloud import CloudPool
from stackyard_identity.tenants.external_networks import ExternalNetworks
from stackyard_identity.tenants.settings import OpenStackSettings, openstack_settings

if TYPE_CHECKING:
    from stackyard_identity.tenants.sagas.property_steps import PropertyCache

__all__ = ["RUNTIME_KEY", "TenantRuntime", "TenantRuntimeDep", "runtime_lifespan", "runtime_of"]

RUNTIME_KEY = "tenant_runtime"


@dataclass
class TenantRuntime:
    """Settings, cloud clients and caches of one process."""

    settings: Settings
    openstack: OpenStackSettings
    database: Database
    clouds: CloudPool
    external_networks: ExternalNetworks
    # Ids that never change in a cloud (domains, roles), by connection and name.
    cloud_ids: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # Lists every tenant of a cloud sees alike (see `sagas.property_steps`).
    property_cache: PropertyCache = field(default_factory=dict)

    @property
    def box(self) -> SecretBox:
        """What encrypts the tenants' passwords (`clouds.identity_keys()` loads it)."""
        if self.clouds.keys is None:
            raise RuntimeError("the identity keys are not loaded yet")
        return self.clouds.keys.box

    @classmethod
    def create(
        cls,
        settings: Settings,
        database: Database,
        redis: Redis,
        *,
        keys: IdentityKeys | None = None,
        openstack: OpenStackSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> TenantRuntime:
        """A runtime on the process's database and Redis; `transport` replaces the
        network to the clouds (tests)."""
        openstack = openstack or openstack_settings()
        clouds = CloudPool(settings, openstack, database, redis, keys, transport)
        return cls(
            settings,
            openstack,
            database,
            clouds,
            ExternalNetworks(clouds, openstack.external_networks_cache_seconds),
        )

    async def aclose(self) -> None:
        """Close the cloud clients."""
        await self.clouds.aclose()


@asynccontextmanager
async def runtime_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Give the API a runtime (`app.state.openstack_transport`, if set, is used)."""
    runtime = TenantRuntime.create(
        app.state.settings,
        app.state.database,
        app.state.redis,
        keys=getattr(app.state, "identity_keys", None),
        openstack=getattr(app.state, "openstack_settings", None),
        transport=getattr(app.state, "openstack_transport", None),
    )
    app.state.tenant_runtime = runtime
    try:
        yield
    finally:
        await runtime.aclose()


def runtime_of(services: Mapping[str, Any]) -> TenantRuntime:
    """The runtime in a worker's context (a saga step's `ctx.services`)."""
    runtime: TenantRuntime = services[RUNTIME_KEY]
    return runtime


def _runtime(request: Request) -> TenantRuntime:
    runtime: TenantRuntime = request.app.state.tenant_runtime
    return runtime


TenantRuntimeDep = Annotated[TenantRuntime, Depends(_runtime)]
