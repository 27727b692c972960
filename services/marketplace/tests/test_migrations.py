"""The migrations build exactly the tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import stackyard_marketplace.app  # noqa: F401 - every domain's models
from stackyard_marketplace.models import Base

from .conftest import Market


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_schemas": False}
    )
    found = list(compare_metadata(context, Base.metadata))
    # The schema is the connection's search path, so reflected foreign keys name their
    # targets without it: the same key is "removed" and "added" under one name.
    removed = {item[1].name for item in found if item[0] == "remove_fk"}
    added = {item[1].name for item in found if item[0] == "add_fk"}
    same = removed & added
    return [
        item for item in found if not (item[0] in ("add_fk", "remove_fk") and item[1].name in same)
    ]


async def test_the_migrated_schema_matches_the_models(market: Market) -> None:
    async with market.market_db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == [], "\n".join(str(difference)[:300] for difference in differences)
