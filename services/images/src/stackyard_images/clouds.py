"""Cloud sessions for the images service: inside a tenant, or as a cloud's admin.

A tenant's images are made, uploaded and pulled with the tenant's own user (identity's
tenant session endpoint); public images are made with, and a cloud's public images
pulled through, the cloud connection's admin credentials (identity's credentials
endpoint), since Glance lets only an admin publish an image.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Protocol

from fastapi import Depends, Request
from pydantic import SecretStr
from redis.asyncio import Redis

from stackyard_common.auth import fetch_cloud_credentials
from stackyard_common.openstack import CloudConfig, OpenStackClient, RedisTokenCache
from stackyard_common.settings import Settings
from stackyard_common.tenants import TenantClients

__all__ = ["CLOUDS_KEY", "CloudAccess", "Clouds", "CloudsDep"]

CLOUDS_KEY = "images_clouds"
"""Where the `CloudAccess` lives: `app.state.images_clouds`, and the worker's context."""


class CloudAccess(Protocol):
    """Clients for the clouds images works on."""

    async def tenant(self, tenant: uuid.UUID) -> OpenStackClient:
        """A client inside `tenant`, as its own user."""

    async def admin(self, connection: uuid.UUID) -> OpenStackClient:
        """A client of cloud connection `connection`, scoped to its admin project."""

    async def aclose(self) -> None:
        """Close every client."""


class Clouds:
    """The real `CloudAccess`: tenant clients from identity's tenant sessions, admin
    clients from identity's cloud credentials; one client per tenant or connection and
    process, every token shared through Redis."""

    def __init__(self, settings: Settings, redis: Redis) -> None:
        self._settings = settings
        self._redis = redis
        self._tenants = TenantClients(settings, "images", redis)
        self._admins: dict[uuid.UUID, OpenStackClient] = {}
        self._lock = asyncio.Lock()

    async def tenant(self, tenant: uuid.UUID) -> OpenStackClient:
        return await self._tenants.client(tenant)

    async def admin(self, connection: uuid.UUID) -> OpenStackClient:
        async with self._lock:
            client = self._admins.get(connection)
            if client is None:
                credentials = await fetch_cloud_credentials(self._settings, "images", connection)
                config = CloudConfig(
                    name=str(connection),
                    auth_url=credentials.auth_url,
                    username=credentials.username,
                    password=SecretStr(credentials.password.get_secret_value()),
                    user_domain_name=credentials.domain or "Default",
                    project_name=credentials.project,
                    project_domain_name=credentials.domain or "Default",
                    verify_ssl=credentials.verify_ssl,
                )
                client = OpenStackClient(
                    config, token_cache=RedisTokenCache(self._redis, self._settings.redis)
                )
                self._admins[connection] = client
            return client

    async def aclose(self) -> None:
        await self._tenants.aclose()
        for client in self._admins.values():
            await client.aclose()
        self._admins.clear()


def _clouds(request: Request) -> CloudAccess:
    clouds: CloudAccess = getattr(request.app.state, CLOUDS_KEY)
    return clouds


CloudsDep = Annotated[CloudAccess, Depends(_clouds)]
"""The application's cloud access."""
