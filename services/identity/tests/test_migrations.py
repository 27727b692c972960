"""The migrations build exactly the tables the models describe (the tenants domain's
tables; older tables' index names predate the naming convention's schema label)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import stackyard_identity.app  # noqa: F401 - every domain's models
from stackyard_identity.models import Base

CHECKED = {"tenants", "customer_external_networks"}


def _table(item: Any) -> str | None:
    # ("add_index", Index) / ("add_table", Table) / [("modify_type", schema, table, ...)]
    if not isinstance(item, tuple):
        return str(item[0][2])
    subject = item[1]
    table = getattr(subject, "table", None)
    return getattr(table, "name", None) or getattr(subject, "name", None)


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_schemas": False}
    )
    return [item for item in compare_metadata(context, Base.metadata) if _table(item) in CHECKED]


async def test_the_migrated_schema_matches_the_models(identity: Any) -> None:
    async with identity.database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == [], "\n".join(str(difference)[:300] for difference in differences)
