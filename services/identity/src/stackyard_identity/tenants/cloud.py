"""OpenStack clients for cloud connections, one per connection and process.

Identity holds the credentials, so it reads them from its own table (never through its
own HTTP API). A client is reused for every call of the process; its configuration is
re-read every `REFRESH_SECONDS`, and a connection whose credentials changed gets a new
client (the old one is closed with the pool, so calls in flight finish).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import httpx
from pydantic import SecretStr
from redis.asyncio import Redis

from stackyard_common.api import NotFound
from stackyard_common.db import Database
from stackyard_common.openstack import CloudConfig, OpenStackClient, RedisTokenCache
from stackyard_common.settings import Settings
from stackyard_identity.cloud_connections import repository, service
from stackyard_identity.keys import IdentityKeys, load_keys
from stackyard_identity.tenants.settings import OpenStackSettings

__all__ = ["CloudPool", "cloud_config"]

REFRESH_SECONDS = 30.0


def cloud_config(
    connection_uuid: uuid.UUID,
    auth_url: str,
    username: str,
    password: str,
    *,
    domain: str,
    project: str,
    verify_ssl: bool,
    max_concurrency: int,
) -> CloudConfig:
    """The client configuration of a connection, scoped to its admin project."""
    return CloudConfig(
        name=str(connection_uuid),
        auth_url=auth_url,
        username=username,
        password=SecretStr(password),
        user_domain_name=domain,
        project_name=project,
        project_domain_name=domain,
        verify_ssl=verify_ssl,
        max_concurrency=max_concurrency,
    )


@dataclass
class _Entry:
    client: OpenStackClient
    digest: str
    checked_at: float


@dataclass
class CloudPool:
    """Clients by connection uuid. `transport` (tests) replaces the network."""

    settings: Settings
    openstack: OpenStackSettings
    database: Database
    redis: Redis
    keys: IdentityKeys | None = None
    transport: httpx.AsyncBaseTransport | None = None
    _entries: dict[uuid.UUID, _Entry] = field(default_factory=dict)
    _retired: list[OpenStackClient] = field(default_factory=list)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def identity_keys(self) -> IdentityKeys:
        """The keys that open the stored credentials (loaded once)."""
        if self.keys is None:
            self.keys = await load_keys(self.settings, self.database)
        return self.keys

    async def config(self, connection_uuid: uuid.UUID) -> CloudConfig:
        """The current configuration of a connection; `NotFound` when it is gone."""
        keys = await self.identity_keys()
        async with self.database.session() as session:
            connection = await repository.by_uuid(session, connection_uuid)
            if connection is None:
                raise NotFound("No such cloud connection.")
            secrets = service.credentials(keys.box, connection)
            return cloud_config(
                connection.uuid,
                connection.backend_url,
                secrets["username"],
                secrets["password"],
                domain=connection.domain,
                project=connection.tenant_name,
                verify_ssl=connection.verify_ssl,
                max_concurrency=self.openstack.max_concurrency,
            )

    async def client(self, connection_uuid: uuid.UUID) -> OpenStackClient:
        """The client of a connection, made or refreshed as needed."""
        entry = self._entries.get(connection_uuid)
        if entry is not None and time.monotonic() - entry.checked_at < REFRESH_SECONDS:
            return entry.client
        async with self._lock:
            entry = self._entries.get(connection_uuid)
            if entry is not None and time.monotonic() - entry.checked_at < REFRESH_SECONDS:
                return entry.client
            config = await self.config(connection_uuid)
            digest = f"{config.credentials_digest()}:{config.verify_ssl}"
            if entry is not None and entry.digest == digest:
                entry.checked_at = time.monotonic()
                return entry.client
            if entry is not None:
                self._retired.append(entry.client)
            client = OpenStackClient(
                config,
                token_cache=RedisTokenCache(self.redis, self.settings.redis),
                transport=self.transport,
            )
            self._entries[connection_uuid] = _Entry(client, digest, time.monotonic())
            return client

    async def aclose(self) -> None:
        """Close every client."""
        clients = [entry.client for entry in self._entries.values()] + self._retired
        self._entries.clear()
        self._retired.clear()
        for client in clients:
            await client.aclose()
