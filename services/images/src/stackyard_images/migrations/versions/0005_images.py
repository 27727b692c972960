"""Images and the tenant offerings' options.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "images"


def upgrade() -> None:
    """Create `images` and `tenant_offerings`."""
    op.create_table(
        "images",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("backend_id", sa.String(255), nullable=False),
        sa.Column("cloud_connection_uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=True),
        sa.Column("customer_uuid", sa.Uuid(), nullable=True),
        sa.Column("project_uuid", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("runtime_state", sa.String(30), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("disk_format", sa.String(20), nullable=False),
        sa.Column("container_format", sa.String(20), nullable=False),
        sa.Column("min_disk", sa.Integer(), nullable=False),
        sa.Column("min_ram", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("backend_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "modified", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("uuid", name="pk_images"),
        sa.UniqueConstraint("cloud_connection_uuid", "backend_id", name="uq_images_cloud_backend"),
        schema=SCHEMA,
    )
    for column in ("cloud_connection_uuid", "tenant_uuid", "customer_uuid", "project_uuid"):
        op.create_index(f"ix_images_images_{column}", "images", [column], schema=SCHEMA)
    op.create_table(
        "tenant_offerings",
        sa.Column("marketplace_resource_uuid", sa.Uuid(), nullable=False),
        sa.Column("offering_uuid", sa.Uuid(), nullable=False),
        sa.Column("provider_uuid", sa.Uuid(), nullable=True),
        sa.Column("plugin_options", postgresql.JSONB(), nullable=False),
        sa.Column("version", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("marketplace_resource_uuid", name="pk_tenant_offerings"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("tenant_offerings", schema=SCHEMA)
    op.drop_table("images", schema=SCHEMA)
