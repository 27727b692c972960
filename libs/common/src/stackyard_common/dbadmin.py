"""The database, its per-service roles and schemas; migrations of every service.

Each service gets a login role `<role_prefix>_<service>` that owns the schema `<service>`
and may use no other: `public` is closed to everyone in Stackyard's database.
"""

from __future__ import annotations

import asyncio

import asyncpg

from stackyard_common import migrations
from stackyard_common.settings import Settings
from stackyard_common.topology import SERVICES

__all__ = ["bootstrap_database", "drop_database", "migrate_all"]


async def _admin(settings: Settings, database: str | None = None) -> asyncpg.Connection:
    dsn = settings.database.admin_dsn.get_secret_value()
    kwargs = {"database": database} if database else {}
    return await asyncpg.connect(dsn, timeout=settings.database.connect_timeout, **kwargs)


async def _execute_formatted(conn: asyncpg.Connection, template: str, *args: str) -> None:
    # DDL takes no bind parameters: let PostgreSQL quote identifiers (%I) and literals (%L).
    placeholders = ", ".join(f"${index}::text" for index in range(1, len(args) + 1))
    statement = await conn.fetchval(f"SELECT format('{template}', {placeholders})", *args)
    await conn.execute(statement)


async def bootstrap_database(settings: Settings) -> list[str]:
    """Create (idempotently) the database, every service's role and schema.

    Returns what it did, one line per change, for the caller to print.
    """
    db = settings.database
    done: list[str] = []
    conn = await _admin(settings)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db.name):
            await _execute_formatted(conn, "CREATE DATABASE %I", db.name)
            done.append(f"created database {db.name}")
        await _execute_formatted(conn, "REVOKE CONNECT ON DATABASE %I FROM PUBLIC", db.name)
        for spec in SERVICES:
            role = db.role(spec.name)
            password = db.password.get_secret_value()
            if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await _execute_formatted(conn, "ALTER ROLE %I LOGIN PASSWORD %L", role, password)
            else:
                await _execute_formatted(conn, "CREATE ROLE %I LOGIN PASSWORD %L", role, password)
                done.append(f"created role {role}")
            await _execute_formatted(conn, "GRANT CONNECT ON DATABASE %I TO %I", db.name, role)
    finally:
        await conn.close()
    conn = await _admin(settings, db.name)
    try:
        await conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        for spec in SERVICES:
            exists = await conn.fetchval(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", spec.name
            )
            if not exists:
                await _execute_formatted(
                    conn, "CREATE SCHEMA %I AUTHORIZATION %I", spec.name, db.role(spec.name)
                )
                done.append(f"created schema {spec.name}")
    finally:
        await conn.close()
    return done


async def drop_database(settings: Settings) -> None:
    """Remove the database and every service role (used to clean up isolated runs)."""
    db = settings.database
    conn = await _admin(settings)
    try:
        await _execute_formatted(conn, "DROP DATABASE IF EXISTS %I WITH (FORCE)", db.name)
        for spec in SERVICES:
            await _execute_formatted(conn, "DROP ROLE IF EXISTS %I", db.role(spec.name))
    finally:
        await conn.close()


async def migrate_all(settings: Settings) -> None:
    """Run every service's migrations to head, each as the service's own role."""
    for spec in SERVICES:
        await asyncio.to_thread(migrations.upgrade, spec.name, settings)
