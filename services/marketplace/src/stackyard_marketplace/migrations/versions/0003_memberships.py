"""The memberships projection: roles of users in organisations and projects.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from stackyard_common.auth.migration import (
    create_memberships_table_v1,
    drop_memberships_table_v1,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "marketplace"


def upgrade() -> None:
    """Create the projection, filled from identity's role events."""
    create_memberships_table_v1(SCHEMA)


def downgrade() -> None:
    """Drop it."""
    drop_memberships_table_v1(SCHEMA)
