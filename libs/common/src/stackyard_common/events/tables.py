"""The outbox and inbox tables, defined once and present in every service's schema.

The runtime statements use the schema-less tables below: every service connects with its
own schema as `search_path`, so they address that service's tables. `event_tables`
attaches copies to a service's MetaData so that Alembic sees them as the service's own.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.schema import RETAIN_SCHEMA

from stackyard_common.db import naming_convention

__all__ = ["NOTIFY_CHANNEL_SUFFIX", "event_tables", "inbox", "notify_channel", "outbox"]

_template = MetaData(naming_convention=naming_convention)

outbox = Table(
    "outbox",
    _template,
    Column("id", Uuid, primary_key=True),
    Column("type", Text, nullable=False),
    Column("routing_key", Text, nullable=False),
    Column("body", JSONB, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    # Set after a failed publication, so a row that cannot be routed backs off instead of
    # being retried in every batch.
    Column("next_attempt_at", DateTime(timezone=True)),
    # The relay only ever scans unsent rows, oldest first.
    Index("ix_outbox_unsent", "created", postgresql_where=text("sent_at IS NULL")),
)

inbox = Table(
    "inbox",
    _template,
    Column("consumer", Text, nullable=False),
    Column("message_id", Uuid, nullable=False),
    Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("consumer", "message_id", name="pk_inbox"),
    Index("ix_inbox_handled_at", "handled_at"),
)

NOTIFY_CHANNEL_SUFFIX = "_outbox"


def notify_channel(schema: str) -> str:
    """The PostgreSQL NOTIFY channel on which `schema`'s outbox announces new rows.

    One database holds every service, so the channel carries the schema's name.
    """
    return f"{schema}{NOTIFY_CHANNEL_SUFFIX}"


def event_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Attach the outbox and inbox to `metadata` (in its schema); returns the copies."""
    schema = metadata.schema if metadata.schema is not None else RETAIN_SCHEMA
    return outbox.to_metadata(metadata, schema=schema), inbox.to_metadata(metadata, schema=schema)
