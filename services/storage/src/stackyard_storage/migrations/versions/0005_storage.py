"""Volumes, snapshots, backups, and the volume types and zones of each tenant.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "storage"


def _resource_columns() -> list[sa.Column[object]]:
    """The columns of `common.records.ResourceColumns`, frozen here."""
    text = sa.Text()
    return [
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("description", text, nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("runtime_state", sa.String(60), nullable=False),
        sa.Column("error_message", text, nullable=False),
        sa.Column("backend_id", sa.String(255), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=False),
        sa.Column("project_uuid", sa.Uuid(), nullable=False),
        sa.Column("service_settings_uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def _copy_columns() -> list[sa.Column[object]]:
    """The columns of `common.copies.CopyColumns` beyond the resource's."""
    return [
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("source_volume_uuid", sa.Uuid(), nullable=True),
        sa.Column("source_volume_name", sa.String(150), nullable=False),
        sa.Column("kept_until", sa.DateTime(timezone=True), nullable=True),
    ]


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{SCHEMA}_{table}_{column}", table, [column], schema=SCHEMA)


RESOURCE_INDEXES = ("backend_id", "tenant_uuid", "customer_uuid", "project_uuid")


def upgrade() -> None:
    """Create the tables and their indexes."""
    op.create_table(
        "volumes",
        *_resource_columns(),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("availability_zone", sa.String(255), nullable=False),
        sa.Column("bootable", sa.Boolean(), nullable=False),
        sa.Column("image_id", sa.String(255), nullable=False),
        sa.Column("image_name", sa.String(255), nullable=False),
        sa.Column("source_snapshot_uuid", sa.Uuid(), nullable=True),
        sa.Column("source_backup_uuid", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("instance_uuid", sa.Uuid(), nullable=True),
        sa.Column("instance_name", sa.String(150), nullable=False),
        sa.Column("device", sa.String(100), nullable=False),
        sa.Column("marketplace_resource_uuid", sa.Uuid(), nullable=True),
        sa.Column("marketplace_offering_uuid", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("uuid", name="pk_volumes"),
        sa.UniqueConstraint(
            "marketplace_resource_uuid", name="uq_volumes_marketplace_resource_uuid"
        ),
        schema=SCHEMA,
    )
    _indexes("volumes", *RESOURCE_INDEXES, "instance_uuid")
    for table in ("snapshots", "backups"):
        op.create_table(
            table,
            *_resource_columns(),
            *_copy_columns(),
            sa.PrimaryKeyConstraint("uuid", name=f"pk_{table}"),
            schema=SCHEMA,
        )
        _indexes(table, *RESOURCE_INDEXES, "source_volume_uuid", "kept_until")
    op.create_table(
        "volume_types",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("service_settings_uuid", sa.Uuid(), nullable=False),
        sa.Column("backend_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_volume_types"),
        schema=SCHEMA,
    )
    _indexes("volume_types", "tenant_uuid")
    op.create_table(
        "volume_availability_zones",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("service_settings_uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_volume_availability_zones"),
        schema=SCHEMA,
    )
    _indexes("volume_availability_zones", "tenant_uuid")


def downgrade() -> None:
    """Drop them."""
    for table in ("volume_availability_zones", "volume_types", "backups", "snapshots", "volumes"):
        op.drop_table(table, schema=SCHEMA)
