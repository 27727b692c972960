"""The memberships projection: who holds which role where, kept in every service's schema.

Identity owns role grants and publishes each change as an event; every service applies
those events to its own `memberships` table (the consumer below), so it can filter by
role without calling identity. Identity applies the same events to its own projection in
the transaction that changes the grant.

Role events (`role.granted.v1`, `role.updated.v1`, `role.revoked.v1`) carry in their
payload `user_uuid`, `role`, `scope_type`, `scope_uuid`, `customer_uuid` and
`expires_at` (ISO 8601 or null). A row remembers the time of the last event applied to
it (`version`), so an older event delivered late never undoes a newer one; a revocation
keeps its row, inactive, for the same reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import RETAIN_SCHEMA

from stackyard_common.auth.roles import Role
from stackyard_common.db import naming_convention
from stackyard_common.events import Consumer, Envelope, consumer

__all__ = [
    "ROLE_EVENT_TYPES",
    "ROLE_GRANTED",
    "ROLE_REVOKED",
    "ROLE_UPDATED",
    "apply_role_event",
    "membership_table",
    "memberships",
    "memberships_consumer",
    "role_event_payload",
]

ROLE_GRANTED = "role.granted.v1"
ROLE_UPDATED = "role.updated.v1"
ROLE_REVOKED = "role.revoked.v1"
ROLE_EVENT_TYPES = (ROLE_GRANTED, ROLE_UPDATED, ROLE_REVOKED)

_template = MetaData(naming_convention=naming_convention)

memberships = Table(
    "memberships",
    _template,
    Column("user_uuid", Uuid, nullable=False),
    Column("role", Text, nullable=False),
    Column("scope_type", Text, nullable=False),
    Column("scope_uuid", Uuid, nullable=False),
    Column("customer_uuid", Uuid, nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("active", Boolean, nullable=False),
    Column("version", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_uuid", "scope_uuid", "role", name="pk_memberships"),
    Index("ix_memberships_scope_uuid", "scope_uuid"),
    Index("ix_memberships_customer_uuid", "customer_uuid"),
)
"""Schema-less: every service's `search_path` makes it address its own copy."""


def membership_table(metadata: MetaData) -> Table:
    """Attach a copy of `memberships` to a service's `metadata` (in its schema)."""
    schema = metadata.schema if metadata.schema is not None else RETAIN_SCHEMA
    return memberships.to_metadata(metadata, schema=schema)


def role_event_payload(
    *,
    user: uuid.UUID,
    role: Role,
    scope_uuid: uuid.UUID,
    customer_uuid: uuid.UUID,
    expires_at: datetime | None,
    **extra: Any,
) -> dict[str, Any]:
    """The payload of a role event, in the shape `apply_role_event` reads."""
    return {
        "user_uuid": str(user),
        "role": role.value,
        "scope_type": role.scope_type.value,
        "scope_uuid": str(scope_uuid),
        "customer_uuid": str(customer_uuid),
        "expires_at": expires_at.isoformat() if expires_at else None,
        **extra,
    }


async def apply_role_event(envelope: Envelope, session: AsyncSession) -> None:
    """Bring the projection in `session`'s schema in step with one role event.

    Idempotent and order-proof: applying an event twice, or after a newer one for the
    same grant, changes nothing. Events of other types are ignored.
    """
    if envelope.type not in ROLE_EVENT_TYPES:
        return
    payload = envelope.payload
    role = Role(payload["role"])
    expires = payload.get("expires_at")
    values = {
        "user_uuid": uuid.UUID(payload["user_uuid"]),
        "role": role.value,
        "scope_type": role.scope_type.value,
        "scope_uuid": uuid.UUID(payload["scope_uuid"]),
        "customer_uuid": uuid.UUID(payload["customer_uuid"]),
        "expires_at": datetime.fromisoformat(expires) if expires else None,
        "active": envelope.type != ROLE_REVOKED,
        "version": envelope.occurred_at,
    }
    statement = insert(memberships).values(values)
    statement = statement.on_conflict_do_update(
        constraint="pk_memberships",
        set_={
            name: statement.excluded[name]
            for name in ("scope_type", "customer_uuid", "expires_at", "active", "version")
        },
        where=memberships.c.version < statement.excluded.version,
    )
    await session.execute(statement)


memberships_consumer: Consumer = consumer("memberships", routing_keys=ROLE_EVENT_TYPES)(
    apply_role_event
)
"""The consumer every service but identity runs to keep its projection in step."""
