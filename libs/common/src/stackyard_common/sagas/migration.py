"""DDL of `saga_runs`, for the services' Alembic revisions.

Frozen: a later change gets a new function (`..._v2`) and a new revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["create_saga_tables_v1", "drop_saga_tables_v1"]


def create_saga_tables_v1(schema: str) -> None:
    """Create `schema`.saga_runs and its indexes."""
    op.create_table(
        "saga_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("saga", sa.Text(), nullable=False),
        sa.Column("resource_uuid", sa.Uuid(), nullable=False),
        sa.Column("state", sa.Text(), server_default=sa.text("'running'"), nullable=False),
        sa.Column("step_index", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("step_name", sa.Text(), nullable=False),
        sa.Column("step_count", sa.Integer(), nullable=False),
        sa.Column("phase", sa.Text(), server_default=sa.text("'start'"), nullable=False),
        sa.Column("data", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "wake_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("waiting_for", sa.Text(), nullable=True),
        sa.Column("wait_key", sa.Text(), nullable=True),
        sa.Column("received_event", JSONB(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.Text(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trace", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("step_log", JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "modified", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "state IN ('running', 'compensating', 'succeeded', 'failed', 'compensated')",
            name="ck_saga_runs_state",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_saga_runs"),
        schema=schema,
    )
    op.create_index("ix_saga_runs_resource_uuid", "saga_runs", ["resource_uuid"], schema=schema)
    op.create_index(
        "ix_saga_runs_due",
        "saga_runs",
        ["wake_at"],
        schema=schema,
        postgresql_where=sa.text("state IN ('running', 'compensating')"),
    )
    op.create_index(
        "ix_saga_runs_waiting",
        "saga_runs",
        ["waiting_for", "wait_key"],
        schema=schema,
        postgresql_where=sa.text("waiting_for IS NOT NULL"),
    )


def drop_saga_tables_v1(schema: str) -> None:
    """Drop what `create_saga_tables_v1` created."""
    op.drop_table("saga_runs", schema=schema)
