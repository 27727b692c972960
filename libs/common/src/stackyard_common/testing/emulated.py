"""Tenants in an emulated cloud, in this process, for the services' tests: a Keystone
project and user per tenant, made with the emulator's admin (the emulator app reached
through an ASGI transport at `cloud_url`), and the projections identity's events would
fill (the tenant, a user's role)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from stackyard_common.auth import ROLE_GRANTED, Role, apply_role_event, role_event_payload
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.openstack import CloudConfig, OpenStackClient
from stackyard_common.tenants import apply_tenant_event

__all__ = ["EmulatedTenants", "grant", "project_tenant"]


@dataclass
class EmulatedTenants:
    """`CloudClients` over an emulator app: one client per tenant's own user."""

    emulator: FastAPI
    cloud_url: str
    admin: OpenStackClient
    clients: dict[uuid.UUID, OpenStackClient] = field(default_factory=dict)

    @classmethod
    def create(cls, emulator: FastAPI, cloud_url: str) -> EmulatedTenants:
        """Tenants of the emulator app `emulator`, whose public URL is `cloud_url`."""
        admin = OpenStackClient(
            CloudConfig(
                auth_url=f"{cloud_url}/identity/v3",
                username="admin",
                password=SecretStr("secret"),
                project_name="admin",
            ),
            transport=httpx.ASGITransport(app=emulator),
        )
        return cls(emulator, cloud_url, admin)

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        """The client of `tenant`'s own user (KeyError for a tenant never added)."""
        return self.clients[tenant]

    async def aclose(self) -> None:
        """Close every tenant's client."""
        for client in self.clients.values():
            await client.aclose()
        self.clients.clear()

    async def add(self, tenant: uuid.UUID) -> str:
        """A project and member user for `tenant` in the cloud; the project's id."""
        name = f"tenant-{tenant.hex[:8]}"
        project = await self.admin.identity.create_project(name)
        password = SecretStr(secrets.token_urlsafe(12))
        user = await self.admin.identity.create_user(f"{name}-user", password)
        role = await self.admin.identity.find_role("member")
        if role is None:
            raise LookupError("the emulated cloud has no `member` role")
        await self.admin.identity.grant_project_role(project.id, user.id, role.id)
        self.clients[tenant] = OpenStackClient(
            CloudConfig(
                auth_url=f"{self.cloud_url}/identity/v3",
                username=user.name,
                password=password,
                project_id=project.id,
            ),
            transport=httpx.ASGITransport(app=self.emulator),
        )
        return project.id

    async def network(self, tenant: uuid.UUID, cidr: str) -> dict[str, str]:
        """The tenant's internal network and subnet, routed to the cloud's `public`
        network, as identity's provisioning makes them; their ids."""
        client = self.clients[tenant]
        public = next(
            network
            for network in await self.admin.network.list_networks()
            if network.name == "public"
        )
        network = await client.network.create_network("int-net")
        subnet = await client.network.create_subnet(network.id, cidr, name="sub-net")
        router = await client.network.create_router("router", external_network_id=public.id)
        await client.network.add_router_interface(router.id, subnet_id=subnet.id)
        return {
            "internal_network_id": network.id,
            "subnet_id": subnet.id,
            "router_id": router.id,
            "external_network_id": public.id,
        }

    async def inventory(self, project_id: str) -> dict[str, Any]:
        """What the emulator holds for one project."""
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.emulator), base_url=self.cloud_url
        ) as control:
            projects: dict[str, Any] = (await control.get("/_emulator/inventory")).json()[
                "projects"
            ]
        return projects.get(project_id) or {}

    async def fault(self, **rule: Any) -> None:
        """Add a fault rule to the emulator."""
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.emulator), base_url=self.cloud_url
        ) as control:
            response = await control.post("/_emulator/faults", json=rule)
            response.raise_for_status()

    async def clear_faults(self) -> None:
        """Remove every fault rule."""
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.emulator), base_url=self.cloud_url
        ) as control:
            await control.delete("/_emulator/faults")


async def project_tenant(
    database: Database,
    *,
    tenant: uuid.UUID,
    backend_id: str,
    customer: uuid.UUID,
    project: uuid.UUID,
    connection: uuid.UUID,
    state: str = "OK",
    networks: dict[str, str] | None = None,
) -> None:
    """Apply the `tenant.state_changed.v1` identity would publish for the tenant."""
    envelope = Envelope(
        type="tenant.state_changed.v1",
        source="identity",
        organisation=customer,
        project=project,
        payload={
            "tenant_uuid": str(tenant),
            "cloud_connection_uuid": str(connection),
            "name": f"tenant-{tenant.hex[:6]}",
            "state": state,
            "backend_id": backend_id,
            "storage_mode": "fixed",
            **(networks or {}),
        },
    )
    async with database.session() as session:
        await apply_tenant_event(envelope, session)


async def grant(
    database: Database, user: uuid.UUID, role: Role, scope: uuid.UUID, customer: uuid.UUID
) -> None:
    """`role` for `user` in the service's memberships projection."""
    envelope = Envelope(
        type=ROLE_GRANTED,
        source="identity",
        payload=role_event_payload(
            user=user, role=role, scope_uuid=scope, customer_uuid=customer, expires_at=None
        ),
    )
    async with database.session() as session:
        await apply_role_event(envelope, session)
