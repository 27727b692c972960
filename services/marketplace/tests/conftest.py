"""Marketplace in-process, with identity and an emulated cloud in the same process.

`market` (session-wide) holds both applications on httpx clients: marketplace reaches
identity's internal API through an ASGI transport, identity reaches the emulator the same
way. `scenario` (per test) is a fresh organisation and project with a user for each role,
granted in identity and mirrored into marketplace's memberships projection, as the
memberships consumer would.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text

from stackyard_common.auth import (
    ROLE_GRANTED,
    LocalKeys,
    Role,
    TokenVerifier,
    install_token_verifier,
    issue_token,
    role_event_payload,
)
from stackyard_common.auth.memberships import apply_role_event
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.settings import Settings
from stackyard_emulator import EmulatorConfig
from stackyard_emulator import create_app as create_emulator
from stackyard_identity.app import create_app as create_identity
from stackyard_identity.customers.models import Customer, Project
from stackyard_identity.models import User
from stackyard_marketplace.app import create_app as create_marketplace
from stackyard_marketplace.projects.service import apply_project_event

CLOUD_URL = "http://cloud.test"
ROLES = {
    "owner": Role.CUSTOMER_OWNER,
    "customer_manager": Role.CUSTOMER_MANAGER,
    "project_admin": Role.PROJECT_ADMIN,
    "project_manager": Role.PROJECT_MANAGER,
    "project_member": Role.PROJECT_MEMBER,
}


async def new_user(
    database: Database, name: str, *, staff: bool = False, support: bool = False
) -> User:
    """A new user in identity's `database`."""
    async with database.session() as session:
        user = User(
            username=f"{name}-{uuid.uuid4().hex[:8]}",
            password_hash="-",
            is_staff=staff,
            is_support=support,
        )
        session.add(user)
    return user


@dataclass
class Scenario:
    """A fresh organisation with a project (where the project roles are held), another
    project (not yet in marketplace's projection), and one user per role; `provider` is a
    second organisation with its owner."""

    customer: Customer
    project: Project
    other_project: Project
    users: dict[str, User]
    provider: Customer
    provider_owner: User


@dataclass
class Market:
    """Both applications, their databases, and a way to act as anyone."""

    settings: Settings
    identity_app: FastAPI
    marketplace_app: FastAPI
    client: httpx.AsyncClient
    identity: httpx.AsyncClient
    identity_db: Database
    market_db: Database
    emulator: FastAPI
    staff: User
    plain: User
    support: User

    def headers(self, user: User | None) -> dict[str, str]:
        """Authorization headers of `user` (none for None: anonymous)."""
        if user is None:
            return {}
        token = issue_token(
            self.identity_app.state.identity_keys.signing,
            self.settings,
            user=user.uuid,
            username=user.username,
            is_staff=user.is_staff,
            is_support=user.is_support,
        ).token
        return {"Authorization": f"Bearer {token}"}

    async def user(self, name: str) -> User:
        """A new user in identity."""
        return await new_user(self.identity_db, name)

    async def grant(self, user: User, role: Role, scope: uuid.UUID, customer: uuid.UUID) -> None:
        """`role` for `user` in marketplace's projection (what identity's event brings)."""
        envelope = Envelope(
            type=ROLE_GRANTED,
            source="identity",
            payload=role_event_payload(
                user=user.uuid, role=role, scope_uuid=scope, customer_uuid=customer, expires_at=None
            ),
        )
        async with self.market_db.session() as session:
            await apply_role_event(envelope, session)

    async def organisation(self, name: str) -> Customer:
        """A new organisation in identity."""
        async with self.identity_db.session() as session:
            customer = Customer(name=f"{name} {uuid.uuid4().hex[:6]}")
            session.add(customer)
        return customer

    async def project(self, customer: Customer, *, announced: bool = True) -> Project:
        """A new project of `customer` in identity; `announced`: marketplace's projection
        has applied its `project.created.v1` (else marketplace must ask identity)."""
        async with self.identity_db.session() as session:
            project = Project(name=f"Project {uuid.uuid4().hex[:6]}", customer_uuid=customer.uuid)
            session.add(project)
        if announced:
            envelope = Envelope(
                type="project.created.v1",
                source="identity",
                organisation=customer.uuid,
                project=project.uuid,
                payload={"name": project.name, "customer_name": customer.name},
            )
            async with self.market_db.session() as session:
                await apply_project_event(envelope, session)
        return project

    async def scenario(self) -> Scenario:
        customer = await self.organisation("Consumer")
        project = await self.project(customer)
        other = await self.project(customer, announced=False)
        users = {}
        for name, role in ROLES.items():
            users[name] = await self.user(name)
            scope = customer.uuid if name in ("owner", "customer_manager") else project.uuid
            await self.grant(users[name], role, scope, customer.uuid)
        provider = await self.organisation("Provider")
        provider_owner = await self.user("provider-owner")
        await self.grant(provider_owner, Role.CUSTOMER_OWNER, provider.uuid, provider.uuid)
        return Scenario(customer, project, other, users, provider, provider_owner)

    async def outbox(self) -> list[dict[str, Any]]:
        """Every event marketplace has written, oldest first."""
        async with self.market_db.session() as session:
            rows = await session.execute(text("SELECT body FROM outbox ORDER BY created"))
            return [row.body for row in rows]


@pytest.fixture(scope="session")
async def market(platform_settings: Settings) -> AsyncIterator[Market]:
    emulator = create_emulator(EmulatorConfig(name="cloud-test", public_url=CLOUD_URL))
    identity_app = create_identity(platform_settings)
    identity_app.state.openstack_transport = httpx.ASGITransport(app=emulator)
    marketplace_app = create_marketplace(platform_settings)
    marketplace_app.state.identity_transport = httpx.ASGITransport(app=identity_app)
    async with (
        LifespanManager(identity_app) as identity_manager,
        LifespanManager(marketplace_app) as market_manager,
    ):
        install_token_verifier(
            marketplace_app,
            TokenVerifier(
                platform_settings,
                LocalKeys([identity_app.state.identity_keys.signing]),
                marketplace_app.state.redis,
            ),
        )
        async with (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=market_manager.app), base_url="http://market"
            ) as client,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=identity_manager.app), base_url="http://identity"
            ) as identity,
        ):
            identity_db = identity_app.state.database
            yield Market(
                platform_settings,
                identity_app,
                marketplace_app,
                client,
                identity,
                identity_db,
                marketplace_app.state.database,
                emulator,
                staff=await new_user(identity_db, "staff", staff=True),
                plain=await new_user(identity_db, "plain"),
                support=await new_user(identity_db, "support", support=True),
            )


@pytest.fixture
async def scenario(market: Market) -> Scenario:
    return await market.scenario()
