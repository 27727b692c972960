"""Marketplace resources show the cloud's metadata of their backend resource.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "resources",
        sa.Column("backend_metadata", JSONB(), nullable=False, server_default=sa.text("'{}'")),
        schema="marketplace",
    )


def downgrade() -> None:
    op.drop_column("resources", "backend_metadata", schema="marketplace")
