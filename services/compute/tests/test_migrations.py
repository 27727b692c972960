"""The migrations build exactly the tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import stackyard_compute.app  # noqa: F401 - every domain's models
from stackyard_compute.models import Base

from .conftest import Cloudyard


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_schemas": False}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_models(cloudyard: Cloudyard) -> None:
    async with cloudyard.compute_db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == [], "\n".join(str(difference)[:300] for difference in differences)
