"""The migrations build exactly the tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import stackyard_images.app
import stackyard_images.pulls.tasks  # noqa: F401
from stackyard_images.models import Base

from .conftest import Images


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_schemas": False}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_models(images: Images) -> None:
    async with images.database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == [], "\n".join(str(difference)[:300] for difference in differences)
