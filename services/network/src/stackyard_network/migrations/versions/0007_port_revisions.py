"""Ports keep the Neutron revision a pull last read (`backend_revision`), so that the
next pull passes over the ports that have not changed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "network"


def upgrade() -> None:
    op.add_column(
        "ports", sa.Column("backend_revision", sa.String(64), nullable=True), schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_column("ports", "backend_revision", schema=SCHEMA)
