"""Resources gone from the cloud are marked, not deleted at once: `backend_missing_since`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "network"
TABLES = (
    "networks",
    "subnets",
    "routers",
    "ports",
    "floating_ips",
    "security_groups",
    "network_rbac_policies",
)


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("backend_missing_since", sa.DateTime(timezone=True), nullable=True),
            schema=SCHEMA,
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "backend_missing_since", schema=SCHEMA)
