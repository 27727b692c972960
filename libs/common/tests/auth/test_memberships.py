"""The memberships projection in a service's schema (identity's, where a migration made
it; users, organisations and projects are random uuids, so no other test sees them), and
the visibility filters over it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, MetaData, Table, Uuid, select, text

from stackyard_common.auth import (
    Principal,
    Role,
    apply_role_event,
    has_role,
    memberships,
    role_event_payload,
    visible_customer_filter,
    visible_filter,
)
from stackyard_common.auth.memberships import ROLE_GRANTED, ROLE_REVOKED
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.settings import Settings

resources = Table(
    "auth_test_resources",
    MetaData(),
    Column("uuid", Uuid, primary_key=True),
    Column("customer_uuid", Uuid, nullable=False),
    Column("project_uuid", Uuid, nullable=False),
)


@pytest.fixture(scope="module")
async def database(platform_settings: Settings) -> AsyncIterator[Database]:
    database = Database(platform_settings, "identity")
    async with database.engine.begin() as connection:
        await connection.run_sync(resources.metadata.create_all, checkfirst=True)
    yield database
    async with database.engine.begin() as connection:
        await connection.execute(text("DROP TABLE auth_test_resources"))
    await database.dispose()


def _event(
    kind: str,
    user: uuid.UUID,
    role: Role,
    scope: uuid.UUID,
    customer: uuid.UUID,
    at: datetime,
    expires_at: datetime | None = None,
) -> Envelope:
    return Envelope(
        type=kind,
        source="identity",
        occurred_at=at,
        payload=role_event_payload(
            user=user, role=role, scope_uuid=scope, customer_uuid=customer, expires_at=expires_at
        ),
    )


async def test_events_apply_idempotently_and_a_late_old_event_changes_nothing(
    database: Database,
) -> None:
    user, project, customer = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    principal = Principal(user, "someone")
    now = datetime.now(UTC)
    granted = _event(ROLE_GRANTED, user, Role.PROJECT_ADMIN, project, customer, now)
    revoked = _event(ROLE_REVOKED, user, Role.PROJECT_ADMIN, project, customer, now + timedelta(1))
    async with database.session() as session:
        await apply_role_event(granted, session)
        await apply_role_event(granted, session)
        assert await has_role(
            session, principal, [Role.PROJECT_ADMIN], customer=customer, project=project
        )
        await apply_role_event(revoked, session)
        await apply_role_event(granted, session)  # delivered again, late: still revoked
        assert not await has_role(
            session, principal, [Role.PROJECT_ADMIN], customer=customer, project=project
        )
        count = await session.execute(
            select(memberships.c.active).where(memberships.c.user_uuid == user)
        )
        assert count.scalars().all() == [False]


async def test_revocation_arriving_before_its_grant_wins(database: Database) -> None:
    user, customer = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    async with database.session() as session:
        await apply_role_event(
            _event(ROLE_REVOKED, user, Role.CUSTOMER_OWNER, customer, customer, now), session
        )
        await apply_role_event(
            _event(ROLE_GRANTED, user, Role.CUSTOMER_OWNER, customer, customer, now - timedelta(1)),
            session,
        )
        assert not await has_role(
            session, Principal(user, "x"), [Role.CUSTOMER_OWNER], customer=customer
        )


async def test_visible_filter_by_organisation_and_project_roles(database: Database) -> None:
    owner, member, outsider = (uuid.uuid4() for _ in range(3))
    customer, project, other_project = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    elsewhere = uuid.uuid4()
    now = datetime.now(UTC)
    rows = {
        "in-project": (customer, project),
        "in-other-project": (customer, other_project),
        "elsewhere": (elsewhere, uuid.uuid4()),
    }
    names = {name: uuid.uuid4() for name in rows}
    async with database.session() as session:
        await session.execute(
            resources.insert(),
            [
                {"uuid": names[name], "customer_uuid": c, "project_uuid": p}
                for name, (c, p) in rows.items()
            ],
        )
        await apply_role_event(
            _event(ROLE_GRANTED, owner, Role.CUSTOMER_OWNER, customer, customer, now), session
        )
        await apply_role_event(
            _event(ROLE_GRANTED, member, Role.PROJECT_MEMBER, project, customer, now), session
        )
        expired = _event(
            ROLE_GRANTED,
            outsider,
            Role.CUSTOMER_OWNER,
            customer,
            customer,
            now,
            expires_at=now - timedelta(seconds=1),
        )
        await apply_role_event(expired, session)

        async def seen(principal: Principal) -> set[str]:
            found = await session.execute(
                select(resources.c.uuid).where(
                    resources.c.uuid.in_(names.values()),
                    visible_filter(principal, resources.c.customer_uuid, resources.c.project_uuid),
                )
            )
            by_uuid = {value: key for key, value in names.items()}
            return {by_uuid[value] for value in found.scalars()}

        assert await seen(Principal(owner, "o")) == {"in-project", "in-other-project"}
        assert await seen(Principal(member, "m")) == {"in-project"}
        assert await seen(Principal(outsider, "x")) == set()
        assert await seen(Principal(outsider, "s", is_support=True)) == set(rows)
        customers = await session.execute(
            select(resources.c.uuid).where(
                resources.c.uuid.in_(names.values()),
                visible_customer_filter(Principal(member, "m"), resources.c.customer_uuid),
            )
        )
        assert len(customers.scalars().all()) == 2  # the member sees the organisation
        support = Principal(outsider, "s", is_support=True)
        assert not await has_role(session, support, [Role.CUSTOMER_OWNER], customer=customer)
        staff = Principal(outsider, "s", is_staff=True)
        assert await has_role(session, staff, [Role.CUSTOMER_OWNER], customer=customer)
