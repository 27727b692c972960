"""Alembic, once for every service: each service keeps its history in
`<package>/migrations/versions/`, and its version table inside its own schema.

A service's `migrations/env.py` is two lines: import its metadata and call `run_env`.
`upgrade` and `head_revision` are what the platform's bootstrap and readiness use.
"""

from __future__ import annotations

import asyncio
from importlib import resources

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from stackyard_common.settings import Settings

__all__ = ["VERSION_TABLE", "alembic_config", "head_revision", "run_env", "upgrade"]

VERSION_TABLE = "alembic_version"


def alembic_config(service: str, settings: Settings | None = None) -> Config:
    """The Alembic configuration of `service`, connected as its own role."""
    config = Config()
    location = resources.files(f"stackyard_{service}") / "migrations"
    config.set_main_option("script_location", str(location))
    config.set_main_option("version_table_schema", service)
    if settings is not None:
        # Kept as an attribute, never in the ini options, so the password is not echoed.
        config.attributes["database_url"] = settings.database.service_url(service)
    return config


def head_revision(service: str) -> str | None:
    """The newest revision of `service`'s history (None for an empty history)."""
    return ScriptDirectory.from_config(alembic_config(service)).get_current_head()


def upgrade(service: str, settings: Settings, revision: str = "head") -> None:
    """Migrate `service`'s schema to `revision`. Synchronous: call it off the event loop."""
    command.upgrade(alembic_config(service, settings), revision)


def run_env(metadata: MetaData) -> None:
    """Body of every service's `env.py`: migrate `metadata`'s schema online."""
    if metadata.schema is None:
        raise RuntimeError("a service's metadata must name its schema")
    schema = str(metadata.schema)  # a quoted_name, which asyncpg's settings refuse
    url = context.config.attributes.get("database_url")
    if url is None:
        raise RuntimeError("run migrations through stackyard_common.migrations.upgrade")

    def migrate(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            version_table_schema=schema,
            include_schemas=False,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(
            url,
            poolclass=pool.NullPool,
            connect_args={"server_settings": {"search_path": schema}},
        )
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())
