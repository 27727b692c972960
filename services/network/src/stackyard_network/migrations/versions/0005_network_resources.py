"""Network resources: networks, subnets, routers, ports, floating IPs, security groups
and their rules, RBAC policies, and the clouds' external networks with their subnets.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "network"


def _text(name: str, length: int | None = None, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, JSONB(), nullable=False)


def _int(name: str, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _bool(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _stamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _fk(column: str, table: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{SCHEMA}.{target}.uuid"],
        name=f"fk_{table}_{column}_{target}",
        ondelete=ondelete,
    )


def _resource(table: str, *extra: sa.Column[Any] | sa.ForeignKeyConstraint) -> None:
    """A table with the columns every cloud resource has, plus `extra`."""
    op.create_table(
        table,
        sa.Column("uuid", sa.Uuid(), nullable=False),
        _text("name", 255),
        _text("description"),
        _text("backend_id", 255),
        _text("state", 30),
        _text("runtime_state", 50),
        _text("error_message"),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=False),
        sa.Column("customer_uuid", sa.Uuid(), nullable=True),
        sa.Column("project_uuid", sa.Uuid(), nullable=True),
        _stamp("created"),
        _stamp("modified"),
        *extra,
        sa.PrimaryKeyConstraint("uuid", name=f"pk_{table}"),
    )
    _indexes(table, "backend_id", "tenant_uuid", "customer_uuid", "project_uuid")


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{SCHEMA}_{table}_{column}", table, [column])


def upgrade() -> None:
    """Create the tables."""
    _resource(
        "networks",
        _int("mtu"),
        _bool("is_external"),
        _bool("shared"),
        _text("type", 50),
        _int("segmentation_id"),
    )
    _resource(
        "subnets",
        sa.Column("network_uuid", sa.Uuid(), nullable=False),
        _text("cidr", 64),
        _int("ip_version", nullable=False),
        _text("gateway_ip", 64, nullable=True),
        _bool("enable_dhcp"),
        _json("allocation_pools"),
        _json("dns_nameservers"),
        _json("host_routes"),
        _fk("network_uuid", "subnets", "networks"),
    )
    _indexes("subnets", "network_uuid")
    _resource(
        "routers",
        _text("external_network_id", 255),
        _json("external_fixed_ips"),
        _json("routes"),
        _json("interfaces"),
    )
    _resource(
        "ports",
        sa.Column("network_uuid", sa.Uuid(), nullable=True),
        _text("network_backend_id", 255),
        _json("fixed_ips"),
        _text("mac_address", 64),
        _text("device_id", 255),
        _text("device_owner", 255),
        _json("security_group_ids"),
        _bool("port_security_enabled"),
        _bool("admin_state_up"),
        _fk("network_uuid", "ports", "networks"),
    )
    _indexes("ports", "network_uuid", "device_id")
    _resource(
        "floating_ips",
        _text("address", 64, nullable=True),
        _text("backend_network_id", 255),
        sa.Column("port_uuid", sa.Uuid(), nullable=True),
        _text("port_backend_id", 255),
        _text("fixed_ip_address", 64, nullable=True),
        _text("device_id", 255),
        _fk("port_uuid", "floating_ips", "ports", ondelete="SET NULL"),
    )
    _indexes("floating_ips", "port_uuid")
    _resource("security_groups")
    op.create_table(
        "security_group_rules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("security_group_uuid", sa.Uuid(), nullable=False),
        _text("backend_id", 255),
        _text("direction", 10),
        _text("ethertype", 10),
        _text("protocol", 20),
        _int("from_port"),
        _int("to_port"),
        _text("cidr", 64, nullable=True),
        sa.Column("remote_group_uuid", sa.Uuid(), nullable=True),
        _text("remote_group_backend_id", 255),
        _text("description"),
        _fk("security_group_uuid", "security_group_rules", "security_groups"),
        _fk("remote_group_uuid", "security_group_rules", "security_groups"),
        sa.PrimaryKeyConstraint("id", name="pk_security_group_rules"),
    )
    _indexes("security_group_rules", "security_group_uuid")
    _resource(
        "network_rbac_policies",
        sa.Column("network_uuid", sa.Uuid(), nullable=False),
        sa.Column("target_tenant_uuid", sa.Uuid(), nullable=False),
        _text("policy_type", 30),
        _fk("network_uuid", "network_rbac_policies", "networks"),
    )
    _indexes("network_rbac_policies", "network_uuid", "target_tenant_uuid")
    op.create_table(
        "external_networks",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("cloud_connection_uuid", sa.Uuid(), nullable=False),
        _text("backend_id", 255),
        _text("name", 255),
        _text("description"),
        _text("status", 50),
        _bool("is_shared"),
        _bool("is_default"),
        _stamp("modified"),
        sa.PrimaryKeyConstraint("uuid", name="pk_external_networks"),
    )
    _indexes("external_networks", "cloud_connection_uuid", "backend_id")
    op.create_table(
        "external_subnets",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("network_uuid", sa.Uuid(), nullable=False),
        _text("backend_id", 255),
        _text("name", 255),
        _text("description"),
        _text("cidr", 64),
        _int("ip_version", nullable=False),
        _bool("enable_dhcp"),
        _text("gateway_ip", 64, nullable=True),
        _json("allocation_pools"),
        _json("dns_nameservers"),
        _text("public_ip_range", 64),
        _fk("network_uuid", "external_subnets", "external_networks"),
        sa.PrimaryKeyConstraint("uuid", name="pk_external_subnets"),
    )
    _indexes("external_subnets", "network_uuid", "backend_id")


def downgrade() -> None:
    """Drop them."""
    for table in (
        "external_subnets",
        "external_networks",
        "network_rbac_policies",
        "security_group_rules",
        "security_groups",
        "floating_ips",
        "ports",
        "routers",
        "subnets",
        "networks",
    ):
        op.drop_table(table)
