"""DDL of the outbox and inbox, for the services' Alembic revisions.

Frozen: a revision must create the same tables whenever it runs, so a later change to
these tables gets a new function (`..._v2`) and a new revision, never an edit here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["create_event_tables_v1", "drop_event_tables_v1"]


def create_event_tables_v1(schema: str) -> None:
    """Create `schema`.outbox (with its NOTIFY trigger) and `schema`.inbox."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("routing_key", sa.Text(), nullable=False),
        sa.Column("body", JSONB(), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["created"],
        schema=schema,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column(
            "handled_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("consumer", "message_id", name="pk_inbox"),
        schema=schema,
    )
    op.create_index("ix_inbox_handled_at", "inbox", ["handled_at"], schema=schema)
    # One notification per inserting statement wakes the relay at once, whoever writes.
    op.execute(
        f"""
        CREATE FUNCTION "{schema}".outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER outbox_notify AFTER INSERT ON "{schema}".outbox
        FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".outbox_notify()
        """
    )


def drop_event_tables_v1(schema: str) -> None:
    """Drop what `create_event_tables_v1` created."""
    op.drop_table("inbox", schema=schema)
    op.drop_table("outbox", schema=schema)
    op.execute(f'DROP FUNCTION IF EXISTS "{schema}".outbox_notify()')
