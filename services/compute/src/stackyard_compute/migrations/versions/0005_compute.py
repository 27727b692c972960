"""Instances, server groups, each tenant's flavors, images and zones, and the volumes
projection.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "compute"
RESOURCE_INDEXES = ("backend_id", "tenant_uuid", "customer_uuid", "project_uuid")


def _resource_columns() -> list[sa.Column[object]]:
    """The columns of `common.records.ResourceColumns`, frozen here."""
    return [
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("runtime_state", sa.String(60), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
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


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{SCHEMA}_{table}_{column}", table, [column], schema=SCHEMA)


def _string(name: str, length: int = 255) -> sa.Column[object]:
    return sa.Column(name, sa.String(length), nullable=False)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, JSONB(), nullable=False)


def upgrade() -> None:
    """Create the tables and their indexes."""
    op.create_table(
        "instances",
        *_resource_columns(),
        _string("flavor_backend_id"),
        _string("flavor_name"),
        sa.Column("cores", sa.Integer(), nullable=False),
        sa.Column("ram", sa.Integer(), nullable=False),
        sa.Column("disk", sa.Integer(), nullable=False),
        _string("image_backend_id"),
        _string("image_name"),
        _string("availability_zone"),
        _string("key_name"),
        sa.Column("user_data", sa.Text(), nullable=False),
        sa.Column("server_group_uuid", sa.Uuid(), nullable=True),
        _json("security_groups"),
        _json("volumes"),
        _json("ports"),
        _json("floating_ips"),
        _json("plan"),
        _string("action", 60),
        _json("action_details"),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("marketplace_resource_uuid", sa.Uuid(), nullable=True),
        sa.Column("marketplace_offering_uuid", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("uuid", name="pk_instances"),
        sa.UniqueConstraint(
            "marketplace_resource_uuid", name="uq_instances_marketplace_resource_uuid"
        ),
        schema=SCHEMA,
    )
    _indexes("instances", *RESOURCE_INDEXES, "server_group_uuid")
    op.create_table(
        "server_groups",
        *_resource_columns(),
        _string("policy", 30),
        sa.PrimaryKeyConstraint("uuid", name="pk_server_groups"),
        schema=SCHEMA,
    )
    _indexes("server_groups", *RESOURCE_INDEXES)
    op.create_table(
        "flavors",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("service_settings_uuid", sa.Uuid(), nullable=False),
        _string("backend_id"),
        _string("name"),
        sa.Column("cores", sa.Integer(), nullable=False),
        sa.Column("ram", sa.Integer(), nullable=False),
        sa.Column("disk", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_flavors"),
        schema=SCHEMA,
    )
    _indexes("flavors", "tenant_uuid")
    op.create_table(
        "tenant_images",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        _string("backend_id"),
        _string("name"),
        sa.Column("min_disk", sa.Integer(), nullable=False),
        sa.Column("min_ram", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_tenant_images"),
        schema=SCHEMA,
    )
    _indexes("tenant_images", "tenant_uuid")
    op.create_table(
        "instance_availability_zones",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("service_settings_uuid", sa.Uuid(), nullable=False),
        _string("name"),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_instance_availability_zones"),
        schema=SCHEMA,
    )
    _indexes("instance_availability_zones", "tenant_uuid")
    op.create_table(
        "volumes",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("instance_uuid", sa.Uuid(), nullable=True),
        _string("name", 150),
        _string("backend_id"),
        sa.Column("size", sa.Integer(), nullable=False),
        _string("type_name"),
        sa.Column("bootable", sa.Boolean(), nullable=False),
        _string("device", 100),
        _string("role", 20),
        _string("state", 30),
        _string("runtime_state", 60),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_volumes"),
        schema=SCHEMA,
    )
    _indexes("volumes", "tenant_uuid", "instance_uuid")


def downgrade() -> None:
    """Drop them."""
    for table in (
        "volumes",
        "instance_availability_zones",
        "tenant_images",
        "flavors",
        "server_groups",
        "instances",
    ):
        op.drop_table(table, schema=SCHEMA)
