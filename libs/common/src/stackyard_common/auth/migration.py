"""DDL of the memberships projection, for the services' Alembic revisions.

Frozen like the events' DDL: a later change gets `..._v2` and a new revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["create_memberships_table_v1", "drop_memberships_table_v1"]


def create_memberships_table_v1(schema: str) -> None:
    """Create `schema`.memberships (see `stackyard_common.auth.memberships`)."""
    op.create_table(
        "memberships",
        sa.Column("user_uuid", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("scope_type", sa.Text(), nullable=False),
        sa.Column("scope_uuid", sa.Uuid(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_uuid", "scope_uuid", "role", name="pk_memberships"),
        schema=schema,
    )
    op.create_index("ix_memberships_scope_uuid", "memberships", ["scope_uuid"], schema=schema)
    op.create_index("ix_memberships_customer_uuid", "memberships", ["customer_uuid"], schema=schema)


def drop_memberships_table_v1(schema: str) -> None:
    """Drop what `create_memberships_table_v1` created."""
    op.drop_table("memberships", schema=schema)
