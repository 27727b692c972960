"""The `saga_runs` table: one row per saga run, in the schema of the service that owns it.

As with the outbox, runtime statements use the schema-less table (each service's
`search_path` is its schema) and `saga_tables` attaches a copy to a service's MetaData.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.schema import RETAIN_SCHEMA

from stackyard_common.db import naming_convention

__all__ = ["ACTIVE_STATES", "FINAL_STATES", "saga_runs", "saga_tables"]

ACTIVE_STATES = ("running", "compensating")
FINAL_STATES = ("succeeded", "failed", "compensated")

_template = MetaData(naming_convention=naming_convention)

saga_runs = Table(
    "saga_runs",
    _template,
    Column("id", Uuid, primary_key=True),
    Column("saga", Text, nullable=False),
    Column("resource_uuid", Uuid, nullable=False),
    Column("state", Text, nullable=False, server_default=text("'running'")),
    # The step being run (or, while compensating, compensated), its name, and how many
    # steps the saga has: progress is readable from the row alone.
    Column("step_index", Integer, nullable=False, server_default=text("0")),
    Column("step_name", Text, nullable=False),
    Column("step_count", Integer, nullable=False),
    # 'start': the step's action has not completed; 'awaiting': it has, and the step now
    # waits for an event or polls.
    Column("phase", Text, nullable=False, server_default=text("'start'")),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("deadline", DateTime(timezone=True)),
    Column("wake_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("waiting_for", Text),
    Column("wait_key", Text),
    Column("received_event", JSONB),
    Column("error", Text),
    Column("lease_owner", Text),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("trace", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("step_log", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("created", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("modified", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "state IN ('running', 'compensating', 'succeeded', 'failed', 'compensated')",
        name="state",
    ),
    Index("ix_saga_runs_resource_uuid", "resource_uuid"),
    Index(
        "ix_saga_runs_due",
        "wake_at",
        postgresql_where=text("state IN ('running', 'compensating')"),
    ),
    Index(
        "ix_saga_runs_waiting",
        "waiting_for",
        "wait_key",
        postgresql_where=text("waiting_for IS NOT NULL"),
    ),
)


def saga_tables(metadata: MetaData) -> Table:
    """Attach `saga_runs` to `metadata` (in its schema); returns the copy."""
    schema = metadata.schema if metadata.schema is not None else RETAIN_SCHEMA
    return saga_runs.to_metadata(metadata, schema=schema)
