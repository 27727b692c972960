"""OpenStack tenants, and organisations' external networks per cloud connection.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int | None = None) -> sa.Column[str]:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=False)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, JSONB(), nullable=False)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "tenants",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        _text("name", 150),
        _text("description"),
        _text("backend_id", 255),
        _text("state", 30),
        _text("error_message"),
        sa.Column("customer_uuid", sa.Uuid(), nullable=False),
        sa.Column("project_uuid", sa.Uuid(), nullable=False),
        sa.Column("connection_uuid", sa.Uuid(), nullable=False),
        sa.Column("marketplace_resource_uuid", sa.Uuid(), nullable=True),
        sa.Column("marketplace_offering_uuid", sa.Uuid(), nullable=True),
        _text("availability_zone", 200),
        _text("subnet_cidr", 43),
        _text("internal_network_id", 255),
        _text("subnet_id", 255),
        _text("router_id", 255),
        _text("external_network_id", 255),
        _text("user_username", 255),
        _text("user_password_encrypted"),
        _text("admin_username", 255),
        _text("admin_password_encrypted"),
        _json("options"),
        _json("quotas"),
        _json("usage"),
        _json("properties"),
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("uuid", name="pk_tenants"),
        sa.UniqueConstraint(
            "marketplace_resource_uuid", name="uq_tenants_marketplace_resource_uuid"
        ),
    )
    for column in ("backend_id", "customer_uuid", "project_uuid", "connection_uuid"):
        op.create_index(f"ix_identity_tenants_{column}", "tenants", [column])
    op.create_table(
        "customer_external_networks",
        sa.Column("customer_uuid", sa.Uuid(), nullable=False),
        sa.Column("connection_uuid", sa.Uuid(), nullable=False),
        _text("external_network_id", 255),
        sa.Column(
            "modified", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint(
            "customer_uuid", "connection_uuid", name="pk_customer_external_networks"
        ),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("customer_external_networks")
    op.drop_table("tenants")
