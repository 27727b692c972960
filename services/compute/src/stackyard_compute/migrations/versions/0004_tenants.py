"""The tenants projection: the OpenStack tenants this service works in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from stackyard_common.tenants.migration import create_tenants_table_v1, drop_tenants_table_v1

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "compute"


def upgrade() -> None:
    """Create the projection, filled from identity's tenant events."""
    create_tenants_table_v1(SCHEMA)


def downgrade() -> None:
    """Drop it."""
    drop_tenants_table_v1(SCHEMA)
