"""Cloud sessions of the network service: inside a tenant (the tenant's own user), and
on a whole cloud (the connection's admin, for its external networks).

`Clouds` is what the endpoints and the worker hold; `PlatformClouds` asks identity for
credentials (tenant sessions through `TenantClients`, admin ones through
`fetch_cloud_credentials`) and keeps one client per tenant and per connection.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Protocol

from fastapi import Depends, Request
from redis.asyncio import Redis

from stackyard_common.auth import CloudCredentials, fetch_cloud_credentials
from stackyard_common.openstack import CloudConfig, OpenStackClient, RedisTokenCache
from stackyard_common.settings import Settings
from stackyard_common.tenants import TenantClients

__all__ = ["CLOUDS_KEY", "Clouds", "CloudsDep", "PlatformClouds"]

CLOUDS_KEY = "clouds"
"""Where the worker's context and the app's state keep the `Clouds`."""

SERVICE = "network"
REFRESH_SECONDS = 300.0


class Clouds(Protocol):
    """Clients for the clouds the service works on."""

    async def tenant(self, tenant_uuid: uuid.UUID) -> OpenStackClient:
        """A client scoped to the tenant's project, as the tenant's own user."""

    async def admin(self, connection_uuid: uuid.UUID) -> OpenStackClient:
        """A client of the connection's admin (for cloud-wide reads)."""

    async def connection(self, connection_uuid: uuid.UUID) -> CloudCredentials:
        """The connection's settings (its default external network among them)."""

    async def aclose(self) -> None:
        """Close every client."""


@dataclass
class PlatformClouds:
    """`Clouds` with credentials from identity's internal API."""

    settings: Settings
    redis: Redis
    _tenants: TenantClients = field(init=False)
    _admins: dict[uuid.UUID, tuple[OpenStackClient, CloudCredentials, float]] = field(
        default_factory=dict
    )
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._tenants = TenantClients(self.settings, SERVICE, self.redis)

    async def tenant(self, tenant_uuid: uuid.UUID) -> OpenStackClient:
        return await self._tenants.client(tenant_uuid)

    async def _admin_entry(
        self, connection_uuid: uuid.UUID
    ) -> tuple[OpenStackClient, CloudCredentials, float]:
        entry = self._admins.get(connection_uuid)
        if entry is not None and time.monotonic() - entry[2] < REFRESH_SECONDS:
            return entry
        async with self._lock:
            entry = self._admins.get(connection_uuid)
            if entry is not None and time.monotonic() - entry[2] < REFRESH_SECONDS:
                return entry
            credentials = await fetch_cloud_credentials(self.settings, SERVICE, connection_uuid)
            config = CloudConfig(
                name=str(connection_uuid),
                auth_url=credentials.auth_url,
                username=credentials.username,
                password=credentials.password,
                user_domain_name=credentials.domain,
                project_name=credentials.project,
                project_domain_name=credentials.domain,
                verify_ssl=credentials.verify_ssl,
            )
            client = OpenStackClient(
                config, token_cache=RedisTokenCache(self.redis, self.settings.redis)
            )
            if entry is not None:
                await entry[0].aclose()
            fresh = (client, credentials, time.monotonic())
            self._admins[connection_uuid] = fresh
            return fresh

    async def admin(self, connection_uuid: uuid.UUID) -> OpenStackClient:
        return (await self._admin_entry(connection_uuid))[0]

    async def connection(self, connection_uuid: uuid.UUID) -> CloudCredentials:
        return (await self._admin_entry(connection_uuid))[1]

    async def aclose(self) -> None:
        await self._tenants.aclose()
        for client, _, _ in self._admins.values():
            await client.aclose()
        self._admins.clear()


def _clouds(request: Request) -> Clouds:
    clouds: Clouds = getattr(request.app.state, CLOUDS_KEY)
    return clouds


CloudsDep = Annotated[Clouds, Depends(_clouds)]
"""The application's `Clouds`."""
