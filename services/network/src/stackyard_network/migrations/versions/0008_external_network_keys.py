"""One record per external network of a cloud, and per subnet of an external network.

Pulls of one cloud's external networks that ran side by side could each add a record of
the same network. Duplicates are folded into one before the keys are made: the oldest
record of a network is kept and takes the subnets of the others; of a subnet held twice,
the one with a public range is kept (a pull refreshes the rest from the cloud).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "network"

_MOVE_SUBNETS_TO_THE_KEPT_NETWORK = """
    WITH ranked AS (
        SELECT uuid, first_value(uuid) OVER (
            PARTITION BY cloud_connection_uuid, backend_id ORDER BY modified, uuid
        ) AS kept
        FROM network.external_networks
    )
    UPDATE network.external_subnets s SET network_uuid = ranked.kept
    FROM ranked
    WHERE s.network_uuid = ranked.uuid AND ranked.uuid <> ranked.kept
"""

_DROP_DUPLICATE_NETWORKS = """
    DELETE FROM network.external_networks n
    USING (
        SELECT uuid, row_number() OVER (
            PARTITION BY cloud_connection_uuid, backend_id ORDER BY modified, uuid
        ) AS rank
        FROM network.external_networks
    ) ranked
    WHERE n.uuid = ranked.uuid AND ranked.rank > 1
"""

_DROP_DUPLICATE_SUBNETS = """
    DELETE FROM network.external_subnets s
    USING (
        SELECT uuid, row_number() OVER (
            PARTITION BY network_uuid, backend_id ORDER BY (public_ip_range <> '') DESC, uuid
        ) AS rank
        FROM network.external_subnets
    ) ranked
    WHERE s.uuid = ranked.uuid AND ranked.rank > 1
"""


def upgrade() -> None:
    op.execute(_MOVE_SUBNETS_TO_THE_KEPT_NETWORK)
    op.execute(_DROP_DUPLICATE_NETWORKS)
    op.execute(_DROP_DUPLICATE_SUBNETS)
    op.create_unique_constraint(
        "uq_external_networks_cloud_backend",
        "external_networks",
        ["cloud_connection_uuid", "backend_id"],
        schema=SCHEMA,
    )
    op.create_unique_constraint(
        "uq_external_subnets_network_backend",
        "external_subnets",
        ["network_uuid", "backend_id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(
        "uq_external_subnets_network_backend", "external_subnets", schema=SCHEMA, type_="unique"
    )
    op.drop_constraint(
        "uq_external_networks_cloud_backend", "external_networks", schema=SCHEMA, type_="unique"
    )
