"""What pulls keep on instances: since when the server is missing from the cloud, and
the server's Nova metadata.

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

SCHEMA = "compute"


def upgrade() -> None:
    """Add the columns; existing instances get empty metadata until the next refresh."""
    op.add_column(
        "instances",
        sa.Column("backend_missing_since", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "instances",
        sa.Column("metadata", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        schema=SCHEMA,
    )
    # The default was only for the rows already there: the model writes its own.
    op.alter_column("instances", "metadata", server_default=None, schema=SCHEMA)


def downgrade() -> None:
    """Drop them."""
    op.drop_column("instances", "metadata", schema=SCHEMA)
    op.drop_column("instances", "backend_missing_since", schema=SCHEMA)
