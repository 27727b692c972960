"""Categories, offerings with their components and plans, resources, orders, and the
projects projection.

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

SCHEMA = "marketplace"


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def _uuid(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Uuid(), nullable=nullable)


def _text(name: str, length: int | None = None) -> sa.Column[object]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=False)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, JSONB(), nullable=False)


def _fk(column: str, table: str, ondelete: str, owner: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{SCHEMA}.{table}.uuid"],
        name=f"fk_{owner}_{column}_{table}",
        ondelete=ondelete,
    )


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{SCHEMA}_{table}_{column}", table, [column])


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "categories",
        _uuid("uuid"),
        _text("title", 150),
        _text("description"),
        _text("icon", 500),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_categories"),
        sa.UniqueConstraint("title", name="uq_categories_title"),
    )
    op.create_table(
        "offerings",
        _uuid("uuid"),
        _text("name", 150),
        _text("description"),
        _text("type", 60),
        _text("state", 20),
        _text("paused_reason"),
        _uuid("category_uuid"),
        _uuid("customer_uuid"),
        sa.Column("shared", sa.Boolean(), nullable=False),
        _uuid("project_uuid", True),
        _uuid("scope_uuid", True),
        _uuid("parent_uuid", True),
        _json("plugin_options"),
        _json("options"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_offerings"),
        _fk("category_uuid", "categories", "RESTRICT", "offerings"),
    )
    _indexes("offerings", "category_uuid", "customer_uuid", "project_uuid", "scope_uuid")
    op.create_table(
        "offering_components",
        _uuid("uuid"),
        _uuid("offering_uuid"),
        _text("type", 100),
        _text("name", 150),
        _text("description"),
        _text("measured_unit", 30),
        _text("billing_type", 20),
        sa.Column("min_value", sa.Integer(), nullable=False),
        sa.Column("max_value", sa.Integer(), nullable=True),
        sa.Column("default_limit", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("uuid", name="pk_offering_components"),
        sa.UniqueConstraint("offering_uuid", "type", name="uq_offering_components_type"),
        _fk("offering_uuid", "offerings", "CASCADE", "offering_components"),
    )
    _indexes("offering_components", "offering_uuid")
    op.create_table(
        "plans",
        _uuid("uuid"),
        _uuid("offering_uuid"),
        _text("name", 150),
        _text("description"),
        _text("unit", 30),
        sa.Column("unit_price", sa.Numeric(22, 7), nullable=False),
        _json("prices"),
        _json("quotas"),
        sa.Column("archived", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_plans"),
        _fk("offering_uuid", "offerings", "CASCADE", "plans"),
    )
    _indexes("plans", "offering_uuid")
    op.create_table(
        "resources",
        _uuid("uuid"),
        _text("name", 150),
        _text("description"),
        _text("state", 20),
        _uuid("offering_uuid"),
        _uuid("plan_uuid", True),
        _uuid("project_uuid"),
        _uuid("customer_uuid"),
        _uuid("provider_uuid"),
        _text("resource_type", 60),
        _json("limits"),
        _json("attributes"),
        _uuid("backend_uuid", True),
        _text("backend_id", 255),
        _text("error_message"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_resources"),
        _fk("offering_uuid", "offerings", "RESTRICT", "resources"),
    )
    _indexes(
        "resources",
        "offering_uuid",
        "project_uuid",
        "customer_uuid",
        "provider_uuid",
        "backend_uuid",
    )
    op.create_table(
        "orders",
        _uuid("uuid"),
        _text("type", 20),
        _text("state", 30),
        _uuid("offering_uuid"),
        _uuid("plan_uuid", True),
        _uuid("resource_uuid"),
        _uuid("project_uuid"),
        _uuid("customer_uuid"),
        _uuid("provider_uuid"),
        _json("limits"),
        _json("attributes"),
        _text("error_message"),
        _uuid("created_by_uuid"),
        _text("created_by_username", 150),
        _text("consumer_reviewed_by", 150),
        sa.Column("consumer_reviewed_at", sa.DateTime(timezone=True), nullable=True),
        _text("provider_reviewed_by", 150),
        sa.Column("provider_reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("uuid", name="pk_orders"),
        _fk("offering_uuid", "offerings", "RESTRICT", "orders"),
        _fk("resource_uuid", "resources", "CASCADE", "orders"),
    )
    _indexes(
        "orders",
        "state",
        "offering_uuid",
        "resource_uuid",
        "project_uuid",
        "customer_uuid",
        "provider_uuid",
    )
    op.create_table(
        "projects",
        _uuid("uuid"),
        _uuid("customer_uuid"),
        _text("name", 500),
        _text("customer_name", 150),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_projects"),
    )
    _indexes("projects", "customer_uuid")


def downgrade() -> None:
    """Drop them."""
    for table in (
        "projects",
        "orders",
        "resources",
        "plans",
        "offering_components",
        "offerings",
        "categories",
    ):
        op.drop_table(table)
