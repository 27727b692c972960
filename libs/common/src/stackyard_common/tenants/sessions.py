"""Cloud sessions scoped to a tenant, for the services that work inside tenants.

Identity keeps each tenant's generated user and password (encrypted); it hands them to
services through `GET /internal/tenants/{uuid}/session` on its own port (service tokens
only, never routed by the gateway). `TenantClients` keeps one `OpenStackClient` per
tenant and process, with tokens shared through Redis like every client's.

```python
clients = TenantClients(settings, "compute", redis)
client = await clients.client(tenant_uuid)
servers = await client.compute.list_servers()
```
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr
from redis.asyncio import Redis

from stackyard_common.api.errors import NotFound, ServiceUnavailable
from stackyard_common.internal import call_service
from stackyard_common.openstack import CloudConfig, OpenStackClient, RedisTokenCache
from stackyard_common.settings import Settings

__all__ = ["TENANT_SESSION_PATH", "TenantClients", "TenantCredentials", "fetch_tenant_credentials"]

TENANT_SESSION_PATH = "/internal/tenants/{uuid}/session"


class TenantCredentials(BaseModel):
    """What opens a session inside one tenant: its user, scoped to its cloud project."""

    model_config = ConfigDict(frozen=True)

    tenant_uuid: uuid.UUID
    cloud_connection_uuid: uuid.UUID
    auth_url: str
    username: str
    password: SecretStr
    user_domain: str
    project_id: str
    verify_ssl: bool
    availability_zone: str = ""

    def cloud_config(self, *, max_concurrency: int = 20) -> CloudConfig:
        """The client configuration of this tenant's session."""
        return CloudConfig(
            name=f"{self.cloud_connection_uuid}/{self.tenant_uuid}",
            auth_url=self.auth_url,
            username=self.username,
            password=self.password,
            user_domain_name=self.user_domain,
            project_id=self.project_id,
            verify_ssl=self.verify_ssl,
            max_concurrency=max_concurrency,
        )


async def fetch_tenant_credentials(
    settings: Settings,
    caller: str,
    tenant: uuid.UUID,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 5.0,
) -> TenantCredentials:
    """The session credentials of `tenant`, asked by service `caller`.

    Raises `NotFound` when identity has no such tenant (or it is not provisioned yet) and
    `ServiceUnavailable` when identity does not answer properly.
    """
    response = await call_service(
        settings,
        caller,
        "identity",
        "GET",
        TENANT_SESSION_PATH.format(uuid=tenant),
        timeout=timeout,
        transport=transport,
    )
    if response.status_code == 404:
        raise NotFound(response.json().get("detail", "No such tenant."))
    if response.status_code != 200:
        raise ServiceUnavailable(f"Identity answered {response.status_code}.")
    return TenantCredentials.model_validate(response.json())


@dataclass
class _Entry:
    client: OpenStackClient
    fetched_at: float


@dataclass
class TenantClients:
    """One client per tenant for this process; credentials re-read every `refresh`
    seconds (a tenant's password may be rotated), the old client closed then.

    `transport` (tests) replaces the network to the clouds, e.g. an in-process emulator
    or `MockCloud`; identity is still asked for the credentials over HTTP.
    """

    settings: Settings
    caller: str
    redis: Redis
    refresh: float = 300.0
    transport: httpx.AsyncBaseTransport | None = None
    _entries: dict[uuid.UUID, _Entry] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        """The client of `tenant` (see `fetch_tenant_credentials` for the errors)."""
        entry = self._entries.get(tenant)
        if entry is not None and time.monotonic() - entry.fetched_at < self.refresh:
            return entry.client
        async with self._lock:
            entry = self._entries.get(tenant)
            if entry is not None and time.monotonic() - entry.fetched_at < self.refresh:
                return entry.client
            credentials = await fetch_tenant_credentials(self.settings, self.caller, tenant)
            client = OpenStackClient(
                credentials.cloud_config(),
                token_cache=RedisTokenCache(self.redis, self.settings.redis),
                transport=self.transport,
            )
            if entry is not None:
                await entry.client.aclose()
            self._entries[tenant] = _Entry(client, time.monotonic())
            return client

    async def aclose(self) -> None:
        """Close every client's connection pool."""
        for entry in self._entries.values():
            await entry.client.aclose()
        self._entries.clear()
