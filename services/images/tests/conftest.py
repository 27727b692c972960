"""Images in-process: the app on an httpx client, an emulated cloud in the same process
behind the app's cloud access, and tenants, roles and offerings put into the app's
projections as identity's and marketplace's events would.

`images` (session-wide) is the running app; `tenant` (per test) is a fresh tenant (its
own Keystone project and user in the emulator) with an organisation owner, a project
manager and a project member, in an organisation that `provider_owner` does not belong
to.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr

from stackyard_common.auth import (
    ROLE_GRANTED,
    LocalKeys,
    Principal,
    Role,
    SigningKey,
    TokenVerifier,
    apply_role_event,
    generate_signing_key_pem,
    install_token_verifier,
    issue_token,
    role_event_payload,
)
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.openstack import CloudConfig, MemoryTokenCache, OpenStackClient
from stackyard_common.settings import Settings
from stackyard_common.tenants import apply_tenant_event
from stackyard_emulator import EmulatorConfig
from stackyard_emulator import create_app as create_emulator
from stackyard_images.app import create_app
from stackyard_images.clouds import CLOUDS_KEY
from stackyard_images.offerings.projection import apply_order_event

CLOUD_URL = "http://images-cloud.test"
ADMIN = {"username": "admin", "password": "secret", "project": "admin"}


class EmulatedClouds:
    """The app's cloud access, on the in-process emulator: one Keystone project and user
    per tenant (made by `add_tenant`), and the emulator's admin."""

    def __init__(self, emulator: FastAPI) -> None:
        self.emulator = emulator
        self.connection = uuid.uuid4()
        self._cache = MemoryTokenCache()
        self._admin = self._client(ADMIN["username"], ADMIN["password"], name=ADMIN["project"])
        self._tenants: dict[uuid.UUID, OpenStackClient] = {}

    def _client(
        self, user: str, password: str, *, name: str | None = None, project: str | None = None
    ) -> OpenStackClient:
        config = CloudConfig(
            name=f"{user}@{project or name}",
            auth_url=f"{CLOUD_URL}/identity/v3",
            username=user,
            password=SecretStr(password),
            project_name=name,
            project_id=project,
        )
        transport = httpx.ASGITransport(app=self.emulator)
        return OpenStackClient(config, token_cache=self._cache, transport=transport)

    async def add_tenant(self, tenant: uuid.UUID) -> str:
        """A Keystone project and user for `tenant`; the project's id."""
        keystone = self._admin.identity
        project = await keystone.create_project(f"tenant-{tenant.hex[:12]}")
        password = uuid.uuid4().hex
        user = await keystone.create_user(f"user-{tenant.hex[:12]}", SecretStr(password))
        role = await keystone.find_role("member")
        assert role is not None
        await keystone.grant_project_role(project.id, user.id, role.id)
        self._tenants[tenant] = self._client(user.name or "", password, project=project.id)
        return project.id

    async def tenant(self, tenant: uuid.UUID) -> OpenStackClient:
        return self._tenants[tenant]

    async def admin(self, connection: uuid.UUID) -> OpenStackClient:
        assert connection == self.connection
        return self._admin

    async def aclose(self) -> None:
        for client in self._tenants.values():
            await client.aclose()
        await self._admin.aclose()


@dataclass
class Person:
    principal: Principal
    headers: dict[str, str]


@dataclass
class Images:
    """The running app, its client and database, the cloud, and a way to act as anyone."""

    app: FastAPI
    client: httpx.AsyncClient
    database: Database
    settings: Settings
    clouds: EmulatedClouds
    key: SigningKey
    staff: Person = field(init=False)

    def person(self, name: str, *, staff: bool = False) -> Person:
        principal = Principal(uuid.uuid4(), f"{name}-{uuid.uuid4().hex[:6]}", is_staff=staff)
        token = issue_token(
            self.key,
            self.settings,
            user=principal.uuid,
            username=principal.username,
            is_staff=staff,
            is_support=False,
        ).token
        return Person(principal, {"Authorization": f"Bearer {token}"})

    async def grant(
        self, person: Person, role: Role, scope: uuid.UUID, customer: uuid.UUID
    ) -> None:
        """`role` in the memberships projection, as identity's event brings it."""
        envelope = Envelope(
            type=ROLE_GRANTED,
            source="identity",
            payload=role_event_payload(
                user=person.principal.uuid,
                role=role,
                scope_uuid=scope,
                customer_uuid=customer,
                expires_at=None,
            ),
        )
        async with self.database.session() as session:
            await apply_role_event(envelope, session)

    async def offering(
        self, tenant: Tenant, provider: uuid.UUID | None = None, **plugin_options: Any
    ) -> None:
        """The tenant's offering options, as marketplace's order event brings them."""
        envelope = Envelope(
            type="tenant.update_requested.v1",
            source="marketplace",
            payload={
                "resource_uuid": str(tenant.resource),
                "offering_uuid": str(uuid.uuid4()),
                "provider_uuid": str(provider) if provider else None,
                "plugin_options": plugin_options,
            },
        )
        async with self.database.session() as session:
            await apply_order_event(envelope, session)

    def tenant_envelope(self, tenant: Tenant, kind: str, **payload: Any) -> Envelope:
        """A tenant event from identity, its payload the tenant's (state OK) and `payload`."""
        return Envelope(
            type=kind,
            source="identity",
            organisation=tenant.customer,
            project=tenant.project,
            occurred_at=datetime.now(UTC),
            payload={
                "tenant_uuid": str(tenant.uuid),
                "marketplace_resource_uuid": str(tenant.resource),
                "cloud_connection_uuid": str(self.clouds.connection),
                "name": tenant.name,
                "state": "OK",
                "backend_id": tenant.backend_id,
                **payload,
            },
        )

    async def tenant_event(self, tenant: Tenant, kind: str, state: str = "OK") -> None:
        """A tenant event from identity, applied to the tenants projection."""
        envelope = self.tenant_envelope(tenant, kind, state=state)
        async with self.database.session() as session:
            await apply_tenant_event(envelope, session)


@dataclass
class Tenant:
    uuid: UUID
    name: str
    customer: UUID
    project: UUID
    resource: UUID
    backend_id: str
    owner: Person
    manager: Person
    member: Person
    provider: UUID
    provider_owner: Person


@pytest.fixture(scope="session")
async def images(platform_settings: Settings) -> AsyncIterator[Images]:
    emulator = create_emulator(EmulatorConfig(name="images-test", public_url=CLOUD_URL))
    clouds = EmulatedClouds(emulator)
    app = create_app(platform_settings)
    setattr(app.state, CLOUDS_KEY, clouds)
    key = SigningKey.from_pem(generate_signing_key_pem())
    async with LifespanManager(app) as manager:
        install_token_verifier(
            app, TokenVerifier(platform_settings, LocalKeys([key]), app.state.redis)
        )
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://images") as client:
            running = Images(app, client, app.state.database, platform_settings, clouds, key)
            running.staff = running.person("staff", staff=True)
            yield running


@pytest.fixture
async def tenant(images: Images) -> Tenant:
    tenant_uuid = uuid.uuid4()
    customer, project, provider = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    made = Tenant(
        uuid=tenant_uuid,
        name=f"tenant-{tenant_uuid.hex[:6]}",
        customer=customer,
        project=project,
        resource=uuid.uuid4(),
        backend_id=await images.clouds.add_tenant(tenant_uuid),
        owner=images.person("owner"),
        manager=images.person("manager"),
        member=images.person("member"),
        provider=provider,
        provider_owner=images.person("provider-owner"),
    )
    await images.grant(made.owner, Role.CUSTOMER_OWNER, customer, customer)
    await images.grant(made.manager, Role.PROJECT_MANAGER, project, customer)
    await images.grant(made.member, Role.PROJECT_MEMBER, project, customer)
    await images.grant(made.provider_owner, Role.CUSTOMER_OWNER, provider, provider)
    await images.tenant_event(made, "tenant.created.v1")
    return made
