"""The tenants projection, kept in step from identity's `tenant.*` events.

A row remembers the time of the last event applied (`version`), so an older event
delivered late never undoes a newer one; `tenant.deleted.v1` keeps the row, marked
`deleted`, for the same reason (and so that records pointing at it still resolve).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

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
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import RETAIN_SCHEMA

from stackyard_common.db import naming_convention
from stackyard_common.events import Consumer, Envelope, consumer

__all__ = [
    "TENANT_EVENT_TYPES",
    "TenantRecord",
    "apply_tenant_event",
    "get_tenant",
    "tenant_table",
    "tenants",
    "tenants_consumer",
]

TENANT_EVENT_TYPES = (
    "tenant.created.v1",
    "tenant.updated.v1",
    "tenant.state_changed.v1",
    "tenant.deleted.v1",
)
_DELETED = "tenant.deleted.v1"

_template = MetaData(naming_convention=naming_convention)

tenants = Table(
    "tenants",
    _template,
    Column("uuid", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("backend_id", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("customer_uuid", Uuid),
    Column("project_uuid", Uuid),
    Column("cloud_connection_uuid", Uuid, nullable=False),
    Column("marketplace_resource_uuid", Uuid),
    Column("internal_network_id", Text, nullable=False),
    Column("subnet_id", Text, nullable=False),
    Column("router_id", Text, nullable=False),
    Column("external_network_id", Text, nullable=False),
    Column("storage_mode", Text, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("version", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("uuid", name="pk_tenants"),
    Index("ix_tenants_project_uuid", "project_uuid"),
    Index("ix_tenants_cloud_connection_uuid", "cloud_connection_uuid"),
)
"""Schema-less: every service's `search_path` makes it address its own copy."""


@dataclass(frozen=True, slots=True)
class TenantRecord:
    """One projected tenant."""

    uuid: UUID
    name: str
    backend_id: str
    state: str
    customer_uuid: UUID | None
    project_uuid: UUID | None
    cloud_connection_uuid: UUID
    marketplace_resource_uuid: UUID | None
    internal_network_id: str
    subnet_id: str
    router_id: str
    external_network_id: str
    storage_mode: str
    deleted: bool

    @property
    def usable(self) -> bool:
        """Whether resources may be made in it now (it exists and is OK in the cloud)."""
        return not self.deleted and self.state == "OK" and bool(self.backend_id)


def tenant_table(metadata: MetaData) -> Table:
    """Attach a copy of `tenants` to a service's `metadata` (in its schema)."""
    schema = metadata.schema if metadata.schema is not None else RETAIN_SCHEMA
    return tenants.to_metadata(metadata, schema=schema)


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


async def apply_tenant_event(envelope: Envelope, session: AsyncSession) -> None:
    """Bring the projection in `session`'s schema in step with one tenant event.

    Idempotent and order-proof; events of other types are ignored.
    """
    if envelope.type not in TENANT_EVENT_TYPES:
        return
    payload = envelope.payload
    values = {
        "uuid": uuid.UUID(payload["tenant_uuid"]),
        "name": payload.get("name") or "",
        "backend_id": payload.get("backend_id") or "",
        "state": payload.get("state") or "",
        "customer_uuid": envelope.organisation,
        "project_uuid": envelope.project,
        "cloud_connection_uuid": uuid.UUID(payload["cloud_connection_uuid"]),
        "marketplace_resource_uuid": _uuid(payload.get("marketplace_resource_uuid")),
        "internal_network_id": payload.get("internal_network_id") or "",
        "subnet_id": payload.get("subnet_id") or "",
        "router_id": payload.get("router_id") or "",
        "external_network_id": payload.get("external_network_id") or "",
        "storage_mode": payload.get("storage_mode") or "fixed",
        "deleted": envelope.type == _DELETED,
        "version": envelope.occurred_at,
    }
    statement = insert(tenants).values(values)
    statement = statement.on_conflict_do_update(
        constraint="pk_tenants",
        set_={name: statement.excluded[name] for name in values if name != "uuid"},
        where=tenants.c.version < statement.excluded.version,
    )
    await session.execute(statement)


async def get_tenant(session: AsyncSession, tenant_uuid: uuid.UUID) -> TenantRecord | None:
    """The projected tenant `tenant_uuid`, or None when this service never heard of it."""
    row = (
        await session.execute(select(tenants).where(tenants.c.uuid == tenant_uuid))
    ).one_or_none()
    if row is None:
        return None
    mapping = row._mapping
    return TenantRecord(**{name: mapping[name] for name in TenantRecord.__slots__})


tenants_consumer: Consumer = consumer("tenants", routing_keys=TENANT_EVENT_TYPES)(
    apply_tenant_event
)
"""The consumer that keeps a service's tenants projection in step."""
