"""The migrations build exactly the tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import stackyard_network.tables  # noqa: F401 - every domain's models
from stackyard_network.models import Base

from .cloud import Net

CHECKED = {table.name for table in Base.metadata.sorted_tables} - {
    "outbox",
    "inbox",
    "saga_runs",
    "memberships",
    "tenants",
}


def _table(item: Any) -> str | None:
    if not isinstance(item, tuple):
        return str(item[0][2])
    subject = item[1]
    table = getattr(subject, "table", None)
    return getattr(table, "name", None) or getattr(subject, "name", None)


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_schemas": False}
    )
    found = [item for item in compare_metadata(context, Base.metadata) if _table(item) in CHECKED]
    # A reflected foreign key names its target without the schema (the search path
    # holds it), the model's with it: the same key shows as removed and added.
    keys = [_key(item) for item in found if isinstance(item, tuple) and item[0].endswith("_fk")]
    paired = {key for key in keys if keys.count(key) == 2}
    return [item for item in found if not (isinstance(item, tuple) and _key(item) in paired)]


def _key(item: tuple[Any, ...]) -> tuple[str, tuple[str, ...]] | None:
    if not item[0].endswith("_fk"):
        return None
    constraint = item[1]
    return constraint.parent.name, tuple(column.name for column in constraint.columns)


async def test_the_migrated_schema_matches_the_models(net: Net) -> None:
    assert "networks" in CHECKED
    assert "external_subnets" in CHECKED
    async with net.database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == [], "\n".join(str(difference)[:300] for difference in differences)
