"""DDL of the tenants projection, for the services' Alembic revisions.

Frozen like the other common DDL: a later change gets `..._v2` and a new revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["create_tenants_table_v1", "drop_tenants_table_v1"]


def create_tenants_table_v1(schema: str) -> None:
    """Create `schema`.tenants (see `stackyard_common.tenants.projection`)."""
    op.create_table(
        "tenants",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("backend_id", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=True),
        sa.Column("project_uuid", sa.Uuid(), nullable=True),
        sa.Column("cloud_connection_uuid", sa.Uuid(), nullable=False),
        sa.Column("marketplace_resource_uuid", sa.Uuid(), nullable=True),
        sa.Column("internal_network_id", sa.Text(), nullable=False),
        sa.Column("subnet_id", sa.Text(), nullable=False),
        sa.Column("router_id", sa.Text(), nullable=False),
        sa.Column("external_network_id", sa.Text(), nullable=False),
        sa.Column("storage_mode", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_tenants"),
        schema=schema,
    )
    op.create_index("ix_tenants_project_uuid", "tenants", ["project_uuid"], schema=schema)
    op.create_index(
        "ix_tenants_cloud_connection_uuid", "tenants", ["cloud_connection_uuid"], schema=schema
    )


def drop_tenants_table_v1(schema: str) -> None:
    """Drop what `create_tenants_table_v1` created."""
    op.drop_table("tenants", schema=schema)
