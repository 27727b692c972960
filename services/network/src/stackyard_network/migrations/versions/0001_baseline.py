"""Baseline of the network schema: the history starts here, with the version table.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to create yet: the schema and its version table are the baseline."""


def downgrade() -> None:
    """Nothing to drop."""
