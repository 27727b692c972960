"""Organisations, projects, role grants and the memberships projection; cloud
connections; the audit log; keys generated outside production.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from stackyard_common.auth.migration import (
    create_memberships_table_v1,
    drop_memberships_table_v1,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "identity"


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "local_secrets",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("name", name="pk_local_secrets"),
    )
    op.create_table(
        "customers",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("native_name", sa.String(160), nullable=False),
        sa.Column("abbreviation", sa.String(12), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_customers"),
    )
    op.create_table(
        "projects",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_projects"),
        sa.ForeignKeyConstraint(
            ["customer_uuid"],
            ["identity.customers.uuid"],
            name="fk_projects_customer_uuid_customers",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_projects_customer_uuid", "projects", ["customer_uuid"])
    op.create_table(
        "role_grants",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_uuid", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("scope_type", sa.String(20), nullable=False),
        sa.Column("scope_uuid", sa.Uuid(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_role_grants"),
        sa.ForeignKeyConstraint(
            ["user_uuid"],
            ["identity.users.uuid"],
            name="fk_role_grants_user_uuid_users",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("user_uuid", "scope_uuid", "role", name="uq_role_grants_user_uuid"),
    )
    for column in ("user_uuid", "scope_uuid", "customer_uuid"):
        op.create_index(f"ix_role_grants_{column}", "role_grants", [column])
    create_memberships_table_v1(SCHEMA)
    op.create_table(
        "cloud_connections",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("backend_url", sa.String(500), nullable=False),
        sa.Column("username_encrypted", sa.Text(), nullable=False),
        sa.Column("password_encrypted", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(200), nullable=False),
        sa.Column("tenant_name", sa.String(200), nullable=False),
        sa.Column("verify_ssl", sa.Boolean(), nullable=False),
        sa.Column("availability_zone", sa.String(200), nullable=False),
        sa.Column("external_network_id", sa.String(200), nullable=False),
        sa.Column("options", JSONB(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_cloud_connections"),
    )
    op.create_index("ix_cloud_connections_customer_uuid", "cloud_connections", ["customer_uuid"])
    op.create_table(
        "audit_entries",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("actor_uuid", sa.Uuid(), nullable=True),
        sa.Column("actor_username", sa.String(150), nullable=False),
        sa.Column("resource_type", sa.String(60), nullable=False),
        sa.Column("resource_uuid", sa.Uuid(), nullable=True),
        sa.Column("resource_name", sa.String(500), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=True),
        sa.Column("project_uuid", sa.Uuid(), nullable=True),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("context", JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_audit_entries"),
    )
    for column in (
        "created",
        "event_type",
        "actor_uuid",
        "resource_uuid",
        "customer_uuid",
        "project_uuid",
    ):
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column])


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("audit_entries")
    op.drop_table("cloud_connections")
    drop_memberships_table_v1(SCHEMA)
    op.drop_table("role_grants")
    op.drop_table("projects")
    op.drop_table("customers")
    op.drop_table("local_secrets")
