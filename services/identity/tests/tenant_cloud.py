"""Tenants against an emulated cloud, all in this process: the emulator behind an ASGI
transport, a cloud connection to it, the tenants' runtime, and a saga runner driven for
as long as a test waits (`TenantCloud.run_until`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.sagas import SagaRunner
from stackyard_identity.cloud_connections.models import CloudConnection
from stackyard_identity.customers.models import Customer, Project
from stackyard_identity.keys import IdentityKeys
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.ordering import handle_request
from stackyard_identity.tenants.runtime import RUNTIME_KEY, TenantRuntime
from stackyard_identity.worker import SAGAS

CLOUD_URL = "http://tenant-cloud.test"
ADMIN_PASSWORD = "secret"  # the emulator's seeded admin password


@dataclass
class TenantCloud:
    """An emulated cloud, a connection to it, and the machinery that provisions."""

    emulator: FastAPI
    control: httpx.AsyncClient
    database: Database
    runtime: TenantRuntime
    connection: CloudConnection
    public_network: str

    async def inventory(self, project_id: str) -> dict[str, Any] | None:
        """What the emulator holds for one project (None when it knows none)."""
        response = await self.control.get("/_emulator/inventory")
        projects: dict[str, Any] = response.json()["projects"]
        return projects.get(project_id)

    async def projects_named(self, prefix: str) -> list[str]:
        """Ids of the emulator's projects whose names start with `prefix`."""
        response = await self.control.get("/_emulator/inventory")
        return [
            pid
            for pid, project in response.json()["projects"].items()
            if (project["name"] or "").startswith(prefix)
        ]

    async def fault(self, **rule: Any) -> str:
        """Add a fault rule; its id."""
        response = await self.control.post("/_emulator/faults", json=rule)
        assert response.status_code == 201, response.text
        return str(response.json()["faults"][0]["id"])

    async def clear_faults(self) -> None:
        await self.control.delete("/_emulator/faults")

    async def organisation(self) -> tuple[Customer, Project]:
        """A new organisation with a project."""
        async with self.database.session() as session:
            customer = Customer(name=f"Tenant org {uuid.uuid4().hex[:6]}")
            session.add(customer)
            await session.flush()
            project = Project(name="Tenant project", customer_uuid=customer.uuid)
            session.add(project)
        return customer, project

    async def request(self, kind: str, **payload: Any) -> None:
        """Deliver a marketplace request as the `tenant-orders` consumer would."""
        envelope = Envelope(
            type=f"tenant.{kind}_requested.v1", source="marketplace", payload=payload
        )
        async with self.database.session() as session:
            await handle_request(envelope, session)

    async def order_tenant(self, name: str, **attributes: Any) -> tuple[str, str]:
        """Ask for a tenant as marketplace does; the marketplace resource and order."""
        customer, project = await self.organisation()
        resource, order = str(uuid.uuid4()), str(uuid.uuid4())
        await self.request(
            "create",
            order_uuid=order,
            resource_uuid=resource,
            offering_uuid=str(uuid.uuid4()),
            cloud_connection_uuid=str(self.connection.uuid),
            customer_uuid=str(customer.uuid),
            project_uuid=str(project.uuid),
            limits={"cores": 8, "ram": 16384, "storage": 204800},
            attributes={
                "name": name,
                "subnet_cidr": "10.7.0.0/24",
                "external_network_id": self.public_network,
                **attributes,
            },
            plugin_options={"storage_mode": "fixed", "default_internal_network_mtu": 1400},
            actor_username="tester",
        )
        return resource, order

    async def tenant_of(self, resource: str) -> Tenant | None:
        async with self.database.session() as session:
            found = await session.execute(
                text("SELECT uuid FROM tenants WHERE marketplace_resource_uuid = :r"),
                {"r": resource},
            )
            tenant_uuid = found.scalar_one_or_none()
            return await session.get(Tenant, tenant_uuid) if tenant_uuid else None

    async def run_until(self, done: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
        """Drive the tenant sagas until `done()` holds (or fail after `timeout`)."""
        runner = SagaRunner(
            self.database, SAGAS, services={RUNTIME_KEY: self.runtime}, poll_interval=0.05
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

    async def events(self, tenant: Tenant) -> list[dict[str, Any]]:
        """Identity's events about `tenant`, oldest first."""
        async with self.database.session() as session:
            rows = await session.execute(
                text(
                    "SELECT body FROM outbox WHERE body->'payload'->>'tenant_uuid' = :t "
                    "ORDER BY created"
                ),
                {"t": str(tenant.uuid)},
            )
            return [row.body for row in rows]


async def make_tenant_cloud(
    emulator: FastAPI, identity_app: FastAPI, keys: IdentityKeys
) -> TenantCloud:
    """Connect identity to `emulator` and make the tenants' runtime."""
    database: Database = identity_app.state.database
    async with database.session() as session:
        connection = CloudConnection(
            name=f"emulated cloud {uuid.uuid4().hex[:6]}",
            backend_url=f"{CLOUD_URL}/identity/v3",
            username_encrypted=keys.box.encrypt("admin"),
            password_encrypted=keys.box.encrypt(ADMIN_PASSWORD),
            options={},
        )
        session.add(connection)
    runtime = TenantRuntime.create(
        identity_app.state.settings,
        database,
        identity_app.state.redis,
        keys=keys,
        transport=httpx.ASGITransport(app=emulator),
    )
    control = httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=CLOUD_URL)
    networks = await runtime.external_networks.of(connection.uuid)
    public = next(network for network, name in networks.items() if name == "public")
    return TenantCloud(emulator, control, database, runtime, connection, public)
