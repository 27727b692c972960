"""Network in-process against an emulated cloud in the same process: tenants are real
Keystone projects with their own users, known to the network service by the tenant
events identity would send; the operation saga is driven for as long as a test waits."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from stackyard_common.auth import (
    ROLE_GRANTED,
    CloudCredentials,
    Role,
    SigningKey,
    issue_token,
    role_event_payload,
)
from stackyard_common.auth.memberships import apply_role_event
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.openstack import CloudConfig, MemoryTokenCache, OpenStackClient
from stackyard_common.sagas import SagaRunner
from stackyard_common.settings import Settings
from stackyard_common.tenants import apply_tenant_event
from stackyard_network.cloud import CLOUDS_KEY
from stackyard_network.worker import SAGAS

CLOUD_URL = "http://network-cloud.test"
AUTH_URL = f"{CLOUD_URL}/identity/v3"
ADMIN_PASSWORD = "secret"  # the emulator's seeded admin password
TENANT_PASSWORD = "tenant-user-pw"


@dataclass
class EmulatorClouds:
    """`Clouds` on the in-process emulator: tenant sessions as each tenant's own user."""

    transport: httpx.AsyncBaseTransport
    connection_uuid: uuid.UUID
    projects: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)
    clients: dict[str, OpenStackClient] = field(default_factory=dict)
    cache: MemoryTokenCache = field(default_factory=MemoryTokenCache)

    def _client(self, key: str, config: CloudConfig) -> OpenStackClient:
        if key not in self.clients:
            self.clients[key] = OpenStackClient(
                config, token_cache=self.cache, transport=self.transport
            )
        return self.clients[key]

    async def tenant(self, tenant_uuid: uuid.UUID) -> OpenStackClient:
        project_id, username = self.projects[tenant_uuid]
        config = CloudConfig(
            name=f"tenant-{tenant_uuid}",
            auth_url=AUTH_URL,
            username=username,
            password=SecretStr(TENANT_PASSWORD),
            project_id=project_id,
        )
        return self._client(str(tenant_uuid), config)

    async def admin(self, connection_uuid: uuid.UUID) -> OpenStackClient:
        config = CloudConfig(
            name="admin",
            auth_url=AUTH_URL,
            username="admin",
            password=SecretStr(ADMIN_PASSWORD),
            project_name="admin",
        )
        return self._client("admin", config)

    async def connection(self, connection_uuid: uuid.UUID) -> CloudCredentials:
        return CloudCredentials(
            uuid=connection_uuid,
            name="emulated",
            type="OpenStack",
            auth_url=AUTH_URL,
            username="admin",
            password=SecretStr(ADMIN_PASSWORD),
            domain="Default",
            project="admin",
            verify_ssl=False,
            availability_zone="",
            external_network_id="",
        )

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        self.clients.clear()


@dataclass
class Tenant:
    uuid: UUID
    customer: UUID
    project: UUID
    backend_id: str


@dataclass
class Net:
    """The network app on a client, its database, the emulator, and people to act as."""

    settings: Settings
    app: FastAPI
    client: httpx.AsyncClient
    database: Database
    emulator: httpx.AsyncClient
    clouds: EmulatorClouds
    key: SigningKey
    public_network: str

    def headers(self, user: uuid.UUID, *, staff: bool = False) -> dict[str, str]:
        """Authorization headers of a user (staff with `staff`)."""
        token = issue_token(
            self.key,
            self.settings,
            user=user,
            username=f"user-{str(user)[:8]}",
            is_staff=staff,
            is_support=False,
        ).token
        return {"Authorization": f"Bearer {token}"}

    @property
    def staff(self) -> dict[str, str]:
        return self.headers(uuid.uuid4(), staff=True)

    async def grant(self, user: uuid.UUID, role: Role, tenant: Tenant) -> None:
        """`role` for `user` in the tenant's organisation or project (the projection)."""
        scope = tenant.customer if role.value.startswith("CUSTOMER") else tenant.project
        envelope = Envelope(
            type=ROLE_GRANTED,
            source="identity",
            payload=role_event_payload(
                user=user,
                role=role,
                scope_uuid=scope,
                customer_uuid=tenant.customer,
                expires_at=None,
            ),
        )
        async with self.database.session() as session:
            await apply_role_event(envelope, session)

    async def tenant(self, *, external_network_id: str = "") -> Tenant:
        """A new Keystone project with its own member user, announced as an OK tenant."""
        admin = await self.clouds.admin(self.clouds.connection_uuid)
        suffix = uuid.uuid4().hex[:8]
        project = await admin.identity.create_project(f"net-test-{suffix}")
        user = await admin.identity.create_user(
            f"net-user-{suffix}", SecretStr(TENANT_PASSWORD), default_project_id=project.id
        )
        member = await admin.identity.find_role("member")
        assert member is not None
        await admin.identity.grant_project_role(project.id, user.id, member.id)
        tenant = Tenant(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), project.id)
        self.clouds.projects[tenant.uuid] = (project.id, user.name)
        await self.announce(tenant, "OK", external_network_id=external_network_id)
        return tenant

    async def announce(self, tenant: Tenant, state: str, **extra: Any) -> Envelope:
        """Apply the tenant event identity would send; returns it."""
        envelope = Envelope(
            type="tenant.state_changed.v1",
            source="identity",
            organisation=tenant.customer,
            project=tenant.project,
            payload={
                "tenant_uuid": str(tenant.uuid),
                "name": f"tenant-{str(tenant.uuid)[:6]}",
                "state": state,
                "backend_id": tenant.backend_id,
                "cloud_connection_uuid": str(self.clouds.connection_uuid),
                **extra,
            },
        )
        async with self.database.session() as session:
            await apply_tenant_event(envelope, session)
        return envelope

    async def manager(self, tenant: Tenant) -> dict[str, str]:
        """Headers of a new project manager of the tenant."""
        user = uuid.uuid4()
        await self.grant(user, Role.PROJECT_MANAGER, tenant)
        return self.headers(user)

    async def inventory(self, project_id: str) -> dict[str, Any]:
        projects: dict[str, Any] = (await self.emulator.get("/_emulator/inventory")).json()[
            "projects"
        ]
        return projects.get(project_id) or {}

    async def network_calls(self) -> int:
        """How many Neutron calls the emulator has answered so far."""
        counters = (await self.emulator.get("/_emulator/counters")).json()["counters"]
        return sum(n for key, n in counters.items() if key.startswith("network "))

    async def run_until(self, done: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
        """Drive the network operations until `done()` holds (or fail after `timeout`)."""
        runner = SagaRunner(
            self.database, SAGAS, services={CLOUDS_KEY: self.clouds}, poll_interval=0.05
        )
        task = asyncio.create_task(runner.run())
        try:
            deadline = time.monotonic() + timeout
            while not await done():
                assert time.monotonic() < deadline, "the operations did not finish in time"
                await asyncio.sleep(0.05)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def settled(self, path: str, headers: dict[str, str], timeout: float = 30.0) -> Any:
        """`GET path` once the resource is OK or ERRED (or gone: None)."""
        found: dict[str, Any] = {}

        async def done() -> bool:
            response = await self.client.get(path, headers=headers)
            if response.status_code == 404:
                found.clear()
                return True
            found.update(response.json())
            return found["state"] in ("OK", "ERRED")

        await self.run_until(done, timeout)
        return dict(found) or None
