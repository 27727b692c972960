"""Storage in-process: the app on an httpx client, an emulated cloud behind an ASGI
transport, and per test a tenant in that cloud (projected as identity's events would)
whose owner is signed in. Sagas run while a test waits for them (`Storage.settle`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text

from stackyard_common.auth import (
    LocalKeys,
    Role,
    SigningKey,
    TokenVerifier,
    generate_signing_key_pem,
    install_token_verifier,
    issue_token,
)
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.sagas import SagaRunner
from stackyard_common.settings import Settings
from stackyard_common.testing.emulated import EmulatedTenants, grant, project_tenant
from stackyard_emulator import Delays, EmulatorConfig
from stackyard_emulator import create_app as create_emulator
from stackyard_storage.app import create_app
from stackyard_storage.common.runtime import RUNTIME_KEY
from stackyard_storage.volume_types.service import apply_properties
from stackyard_storage.worker import SAGAS

CLOUD_URL = "http://storage-cloud.test"
FAST = Delays(
    build=0.05, action=0.05, resize=0.05, volume=0.05, snapshot=0.05, backup=0.05, delete=0.05
)


@dataclass
class Tenant:
    """A tenant in the cloud and its organisation, with its owner's headers."""

    uuid: uuid.UUID
    project_id: str
    customer: uuid.UUID
    project: uuid.UUID
    owner: dict[str, str]


@dataclass
class Storage:
    app: FastAPI
    client: httpx.AsyncClient
    database: Database
    clouds: EmulatedTenants
    settings: Settings
    key: SigningKey

    def headers(self, *, staff: bool = False, user: uuid.UUID | None = None) -> dict[str, str]:
        user = user or uuid.uuid4()
        token = issue_token(
            self.key,
            self.settings,
            user=user,
            username=f"user-{user.hex[:6]}",
            is_staff=staff,
            is_support=False,
        ).token
        return {"Authorization": f"Bearer {token}"}

    async def tenant(self) -> Tenant:
        """A new usable tenant with its volume types and zones, and its owner."""
        tenant, customer, project = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        project_id = await self.clouds.add(tenant)
        connection = uuid.uuid4()
        await project_tenant(
            self.database,
            tenant=tenant,
            backend_id=project_id,
            customer=customer,
            project=project,
            connection=connection,
        )
        types = await self.clouds.admin.volume.list_types()
        envelope = Envelope(
            type="tenant.properties_pulled.v1",
            source="identity",
            payload={
                "tenant_uuid": str(tenant),
                "cloud_connection_uuid": str(connection),
                "volume_types": [{"id": t.id, "name": t.name} for t in types],
            },
        )
        async with self.database.session() as session:
            await apply_properties(envelope, session)
        owner = uuid.uuid4()
        await grant(self.database, owner, Role.CUSTOMER_OWNER, customer, customer)
        return Tenant(tenant, project_id, customer, project, self.headers(user=owner))

    async def settle(self, done: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
        """Drive the sagas until `done()` holds (or fail after `timeout`)."""
        runner = SagaRunner(
            self.database,
            SAGAS,
            services={RUNTIME_KEY: self.app.state.storage_runtime},
            poll_interval=0.02,
            concurrency=32,
        )
        task = asyncio.create_task(runner.run())
        try:
            deadline = time.monotonic() + timeout
            while not await done():
                assert time.monotonic() < deadline, "the sagas did not finish in time"
                await asyncio.sleep(0.05)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def settled(
        self, path: str, headers: dict[str, str], *states: str, timeout: float = 30
    ) -> dict[str, Any]:
        """The resource at `path` once its state is one of `states` (OK or ERRED by
        default) and no saga works on it."""
        wanted = states or ("OK", "ERRED")
        found: dict[str, Any] = {}

        async def done() -> bool:
            nonlocal found
            response = await self.client.get(path, headers=headers)
            if response.status_code == 404 and "GONE" in wanted:
                found = {"state": "GONE"}
                return True
            found = response.json()
            progress = found.get("progress") or {}
            idle = progress.get("state") not in ("running", "compensating")
            return found.get("state") in wanted and idle

        await self.settle(done, timeout)
        return found

    async def events(self, kind: str) -> list[dict[str, Any]]:
        """Storage's events of type `kind`, oldest first."""
        async with self.database.session() as session:
            rows = await session.execute(
                text("SELECT body FROM outbox WHERE body->>'type' = :t ORDER BY created"),
                {"t": kind},
            )
            return [row.body for row in rows]


@pytest.fixture(scope="session")
async def storage(platform_settings: Settings) -> AsyncIterator[Storage]:
    emulator = create_emulator(EmulatorConfig(name="storage", public_url=CLOUD_URL, delays=FAST))
    clouds = EmulatedTenants.create(emulator, CLOUD_URL)
    app = create_app(platform_settings)
    app.state.cloud_clients = clouds
    key = SigningKey.from_pem(generate_signing_key_pem())
    async with LifespanManager(app) as manager:
        install_token_verifier(
            app, TokenVerifier(platform_settings, LocalKeys([key]), app.state.redis)
        )
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://storage") as client:
            yield Storage(app, client, app.state.database, clouds, platform_settings, key)
    await clouds.admin.aclose()


@pytest.fixture
async def tenant(storage: Storage) -> Tenant:
    return await storage.tenant()
