"""The tables libs/common keeps in every schema: outbox, inbox and saga_runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from stackyard_common.events.migration import create_event_tables_v1, drop_event_tables_v1
from stackyard_common.sagas.migration import create_saga_tables_v1, drop_saga_tables_v1

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "replication"


def upgrade() -> None:
    """Create the outbox (with its NOTIFY trigger), the inbox and saga_runs."""
    create_event_tables_v1(SCHEMA)
    create_saga_tables_v1(SCHEMA)


def downgrade() -> None:
    """Drop them."""
    drop_saga_tables_v1(SCHEMA)
    drop_event_tables_v1(SCHEMA)
