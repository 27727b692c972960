"""Compute in-process, with storage beside it: both apps on httpx clients calling each
other's internal APIs through ASGI transports, an emulated cloud, and per test a tenant
(with its routed network, flavors, images, zones and volume types, projected as
identity's events would) whose owner is signed in. Sagas of both services run, and
storage's volume events reach compute's projection, while a test waits (`settle`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
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
from stackyard_compute import worker as compute_worker
from stackyard_compute.app import create_app as create_compute
from stackyard_compute.common.runtime import RUNTIME_KEY as COMPUTE_RUNTIME
from stackyard_compute.common.settings import ComputeSettings
from stackyard_compute.flavors.properties import apply_properties as compute_properties
from stackyard_compute.volumes.projection import apply_volume_event
from stackyard_emulator import Delays, EmulatorConfig
from stackyard_emulator import create_app as create_emulator
from stackyard_storage import worker as storage_worker
from stackyard_storage.app import create_app as create_storage
from stackyard_storage.common.runtime import RUNTIME_KEY as STORAGE_RUNTIME
from stackyard_storage.volume_types.service import apply_properties as storage_properties

CLOUD_URL = "http://compute-cloud.test"
FAST = Delays(
    build=0.05, action=0.05, resize=0.05, volume=0.05, snapshot=0.05, backup=0.05, delete=0.05
)


@dataclass
class Tenant:
    uuid: uuid.UUID
    project_id: str
    customer: uuid.UUID
    project: uuid.UUID
    networks: dict[str, str]
    owner: dict[str, str]


@dataclass
class Cloudyard:
    compute_app: FastAPI
    storage_app: FastAPI
    client: httpx.AsyncClient
    storage: httpx.AsyncClient
    compute_db: Database
    storage_db: Database
    clouds: EmulatedTenants
    settings: Settings
    key: SigningKey
    pumped: set[str] = field(default_factory=set)

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

    async def tenant(self, cidr: str = "10.20.0.0/24") -> Tenant:
        """A usable tenant with its network and properties, and its owner."""
        tenant, customer, project, connection = (uuid.uuid4() for _ in range(4))
        project_id = await self.clouds.add(tenant)
        networks = await self.clouds.network(tenant, cidr)
        for database in (self.compute_db, self.storage_db):
            await project_tenant(
                database,
                tenant=tenant,
                backend_id=project_id,
                customer=customer,
                project=project,
                connection=connection,
                networks=networks,
            )
        admin = self.clouds.admin
        payload = {
            "tenant_uuid": str(tenant),
            "cloud_connection_uuid": str(connection),
            "flavors": [
                {"id": f.id, "name": f.name, "vcpus": f.vcpus, "ram": f.ram, "disk": f.disk}
                for f in await admin.compute.list_flavors()
            ],
            "images": [
                {"id": i.id, "name": i.name, "min_disk": i.raw.get("min_disk", 0)}
                for i in await admin.image.list_images()
            ],
            "volume_types": [{"id": t.id, "name": t.name} for t in await admin.volume.list_types()],
            "availability_zones": await admin.compute.list_availability_zones(),
        }
        envelope = Envelope(type="tenant.properties_pulled.v1", source="identity", payload=payload)
        async with self.compute_db.session() as session:
            await compute_properties(envelope, session)
        async with self.storage_db.session() as session:
            await storage_properties(envelope, session)
        owner = uuid.uuid4()
        for database in (self.compute_db, self.storage_db):
            await grant(database, owner, Role.CUSTOMER_OWNER, customer, customer)
        return Tenant(tenant, project_id, customer, project, networks, self.headers(user=owner))

    async def pump(self) -> None:
        """Deliver storage's new volume events to compute's projection."""
        async with self.storage_db.session() as session:
            rows = await session.execute(
                text("SELECT id, body FROM outbox WHERE type LIKE 'volume.%' ORDER BY created")
            )
            fresh = [row for row in rows if str(row.id) not in self.pumped]
        for row in fresh:
            async with self.compute_db.session() as session:
                await apply_volume_event(Envelope.model_validate(row.body), session)
            self.pumped.add(str(row.id))

    async def settle(self, done: Callable[[], Awaitable[bool]], timeout: float = 60) -> None:
        """Drive both services' sagas until `done()` holds (or fail after `timeout`)."""
        runners = [
            SagaRunner(
                self.compute_db,
                compute_worker.SAGAS,
                services={COMPUTE_RUNTIME: self.compute_app.state.compute_runtime},
                poll_interval=0.02,
                concurrency=64,
            ),
            SagaRunner(
                self.storage_db,
                storage_worker.SAGAS,
                services={STORAGE_RUNTIME: self.storage_app.state.storage_runtime},
                poll_interval=0.02,
                concurrency=64,
            ),
        ]
        tasks = [asyncio.create_task(runner.run()) for runner in runners]
        try:
            deadline = time.monotonic() + timeout
            while True:
                await self.pump()
                if await done():
                    break
                assert time.monotonic() < deadline, "the sagas did not finish in time"
                await asyncio.sleep(0.05)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.pump()

    async def settled(
        self, path: str, headers: dict[str, str], *states: str, timeout: float = 60
    ) -> dict[str, Any]:
        """The resource at `path` (compute's or storage's) once its state is one of
        `states` (OK or ERRED by default, `GONE` for a 404) and no saga works on it."""
        wanted = states or ("OK", "ERRED")
        client = self.storage if "volume" in path or "snapshot" in path else self.client
        found: dict[str, Any] = {}

        async def done() -> bool:
            nonlocal found
            response = await client.get(path, headers=headers)
            if response.status_code == 404:
                found = {"state": "GONE"}
                return "GONE" in wanted
            found = response.json()
            progress = found.get("progress") or {}
            idle = progress.get("state") not in ("running", "compensating")
            return found.get("state") in wanted and idle

        await self.settle(done, timeout)
        return found


@pytest.fixture(scope="session")
async def cloudyard(platform_settings: Settings) -> AsyncIterator[Cloudyard]:
    emulator = create_emulator(EmulatorConfig(name="compute", public_url=CLOUD_URL, delays=FAST))
    clouds = EmulatedTenants.create(emulator, CLOUD_URL)
    compute_app, storage_app = create_compute(platform_settings), create_storage(platform_settings)
    compute_app.state.cloud_clients = storage_app.state.cloud_clients = clouds
    # No network service here: compute makes the instances' ports itself.
    compute_app.state.compute_settings = ComputeSettings(ports_via="cloud")
    compute_app.state.internal_transports = {"storage": httpx.ASGITransport(app=storage_app)}
    storage_app.state.internal_transports = {"compute": httpx.ASGITransport(app=compute_app)}
    key = SigningKey.from_pem(generate_signing_key_pem())
    async with LifespanManager(compute_app) as compute, LifespanManager(storage_app) as storage:
        for app in (compute_app, storage_app):
            verifier = TokenVerifier(platform_settings, LocalKeys([key]), app.state.redis)
            install_token_verifier(app, verifier)
        async with (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=compute.app), base_url="http://compute"
            ) as client,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=storage.app), base_url="http://storage"
            ) as storage_client,
        ):
            yield Cloudyard(
                compute_app,
                storage_app,
                client,
                storage_client,
                compute_app.state.database,
                storage_app.state.database,
                clouds,
                platform_settings,
                key,
            )
    await clouds.admin.aclose()


@pytest.fixture
async def tenant(cloudyard: Cloudyard) -> Tenant:
    return await cloudyard.tenant()
