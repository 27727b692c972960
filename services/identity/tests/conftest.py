"""Identity in-process: the app on an httpx client, users for every role, and fresh
organisations and projects with those roles granted, made per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from stackyard_common.auth import Role, issue_token
from stackyard_common.db import Database
from stackyard_common.settings import Settings
from stackyard_emulator import EmulatorConfig
from stackyard_emulator import create_app as create_emulator
from stackyard_identity.app import create_app
from stackyard_identity.audit.recording import SYSTEM
from stackyard_identity.cloud_connections.models import CloudConnection
from stackyard_identity.customers.models import Customer, Project
from stackyard_identity.keys import IdentityKeys
from stackyard_identity.models import User
from stackyard_identity.passwords import hash_password
from stackyard_identity.roles.service import Scope, grant_role

from .tenant_cloud import CLOUD_URL, TenantCloud, make_tenant_cloud

PASSWORD = "correct horse battery"
CLOUD_PASSWORD = "cloud-admin-secret-4f9a"
ROLES = (
    "anonymous",
    "plain",
    "owner",
    "customer_manager",
    "project_admin",
    "project_manager",
    "project_member",
    "support",
    "staff",
)
SCENARIO_ROLES = {
    "owner": Role.CUSTOMER_OWNER,
    "customer_manager": Role.CUSTOMER_MANAGER,
    "project_admin": Role.PROJECT_ADMIN,
    "project_manager": Role.PROJECT_MANAGER,
    "project_member": Role.PROJECT_MEMBER,
}


@dataclass
class Identity:
    """The running app, its client, database and keys, and the users of every role.

    Tests get it as the `identity` fixture (conftest modules are not importable).
    """

    app: FastAPI
    client: httpx.AsyncClient
    database: Database
    keys: IdentityKeys
    settings: Settings
    people: dict[str, User]

    def token(self, user: User) -> str:
        """A fresh token for `user`, as a login would give."""
        return issue_token(
            self.keys.signing,
            self.settings,
            user=user.uuid,
            username=user.username,
            is_staff=user.is_staff,
            is_support=user.is_support,
        ).token

    def headers(self, role: str) -> dict[str, str]:
        """Authorization headers of the user playing `role` (none for anonymous)."""
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.token(self.people[role])}"}

    async def scenario(self) -> Scenario:
        """A fresh organisation with its projects and roles (see `Scenario`)."""
        return await make_scenario(self)


async def _people(database: Database) -> dict[str, User]:
    """One user per role name (anonymous has none); one password hash for all, for speed."""
    password_hash = hash_password(PASSWORD)
    users: dict[str, User] = {}
    suffix = uuid.uuid4().hex[:6]
    async with database.session() as session:
        for role in ROLES[1:]:
            user = User(
                username=f"{role}-{suffix}",
                password_hash=password_hash,
                email=f"{role}@example.org",
                is_staff=role == "staff",
                is_support=role == "support",
            )
            session.add(user)
            users[role] = user
    return users


@pytest.fixture(scope="session")
async def tenant_cloud(identity: Identity) -> AsyncIterator[TenantCloud]:
    """An emulated cloud in this process, connected to identity (see `tenant_cloud`)."""
    emulator = create_emulator(EmulatorConfig(name="tenant-cloud", public_url=CLOUD_URL))
    cloud = await make_tenant_cloud(emulator, identity.app, identity.keys)
    try:
        yield cloud
    finally:
        await cloud.control.aclose()
        await cloud.runtime.aclose()


@pytest.fixture(scope="session")
async def identity(platform_settings: Settings) -> AsyncIterator[Identity]:
    app = create_app(platform_settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            database: Database = app.state.database
            yield Identity(
                app,
                client,
                database,
                app.state.identity_keys,
                platform_settings,
                await _people(database),
            )


@dataclass
class Scenario:
    """A fresh organisation with two projects; the role users hold their roles in it
    (project roles in `project` only); `subject` is a member of `project`, `spare` has
    no role anywhere."""

    customer: Customer
    project: Project
    other_project: Project
    subject: User
    spare: User
    shared_connection: CloudConnection
    private_connection: CloudConnection


async def make_scenario(identity: Identity) -> Scenario:
    """Build a scenario through identity's own services (events and projection too)."""
    suffix = uuid.uuid4().hex[:8]
    async with identity.database.session() as session:
        customer = Customer(name=f"Org {suffix}", abbreviation=suffix[:6])
        session.add(customer)
        await session.flush()
        project = Project(name=f"Project {suffix}", customer_uuid=customer.uuid)
        other = Project(name=f"Other {suffix}", customer_uuid=customer.uuid)
        subject = User(username=f"subject-{suffix}", password_hash="-")
        spare = User(username=f"spare-{suffix}", password_hash="-")
        session.add_all([project, other, subject, spare])
        await session.flush()
        customer_scope = Scope("customer", customer.uuid, customer.name, customer.uuid)
        project_scope = Scope("project", project.uuid, project.name, customer.uuid)
        for name, role in SCENARIO_ROLES.items():
            scope = customer_scope if role.value.startswith("CUSTOMER") else project_scope
            await grant_role(session, SYSTEM, scope, identity.people[name], role, None)
        await grant_role(session, SYSTEM, project_scope, subject, Role.PROJECT_MEMBER, None)
        shared, private = (
            CloudConnection(
                name=f"{kind} cloud {suffix}",
                backend_url="https://keystone.example.org/v3",
                username_encrypted=identity.keys.box.encrypt("admin"),
                password_encrypted=identity.keys.box.encrypt(CLOUD_PASSWORD),
                shared=kind == "shared",
                customer_uuid=None if kind == "shared" else customer.uuid,
                options={},
            )
            for kind in ("shared", "private")
        )
        session.add_all([shared, private])
    return Scenario(customer, project, other, subject, spare, shared, private)


@pytest.fixture
async def scenario(identity: Identity) -> Scenario:
    return await identity.scenario()
