"""Pulls: volumes and snapshots gone from the cloud are marked (`backend_missing_since`)
before they are deleted; volumes keep their Cinder metadata (`metadata`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "storage"
MARKED = ("volumes", "snapshots")


def upgrade() -> None:
    """Add the columns."""
    for table in MARKED:
        op.add_column(
            table,
            sa.Column("backend_missing_since", sa.DateTime(timezone=True), nullable=True),
            schema=SCHEMA,
        )
    op.add_column(
        "volumes",
        sa.Column("metadata", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_column("volumes", "metadata", schema=SCHEMA)
    for table in MARKED:
        op.drop_column(table, "backend_missing_since", schema=SCHEMA)
