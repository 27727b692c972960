"""Migration 0008: records of one external network that pulls side by side made twice
fold into one, keeping every subnet and the public ranges operators set; then the keys
keep it so."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from stackyard_common.db import Database
from stackyard_common.migrations import upgrade
from stackyard_common.settings import Settings
from stackyard_common.testing import isolated_environment

CONNECTION = uuid.uuid4()
OLDER, NEWER, OTHER_CLOUD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def settings_at_0007() -> Iterator[Settings]:
    with isolated_environment(migrate=False) as environment:
        settings = environment.settings()
        upgrade("network", settings, "0007")
        yield settings


async def _execute(settings: Settings, *statements: tuple[str, dict[str, object]]) -> None:
    database = Database(settings, "network")
    try:
        async with database.session() as session:
            for statement, values in statements:
                await session.execute(text(statement), values)
    finally:
        await database.dispose()


async def _rows(settings: Settings) -> list[tuple[object, ...]]:
    database = Database(settings, "network")
    try:
        async with database.session() as session:
            found = await session.execute(
                text(
                    "SELECT n.uuid, n.cloud_connection_uuid, n.backend_id, s.backend_id,"
                    " s.public_ip_range FROM external_networks n"
                    " LEFT JOIN external_subnets s ON s.network_uuid = n.uuid"
                    " ORDER BY n.cloud_connection_uuid = :connection DESC, s.backend_id"
                ),
                {"connection": CONNECTION},
            )
            return [tuple(row) for row in found]
    finally:
        await database.dispose()


def _network(uuid_: uuid.UUID, connection: uuid.UUID, month: int) -> tuple[str, dict[str, object]]:
    """An external network `ext-1` of `connection`, last modified in `month` of 2026."""
    return (
        "INSERT INTO external_networks (uuid, cloud_connection_uuid, backend_id, name,"
        " description, status, is_shared, is_default, modified)"
        " VALUES (:uuid, :connection, 'ext-1', 'public', '', 'ACTIVE', false, false,"
        " :modified)",
        {
            "uuid": uuid_,
            "connection": connection,
            "modified": datetime(2026, month, 1, tzinfo=UTC),
        },
    )


def _subnet(network: uuid.UUID, backend_id: str, public: str) -> tuple[str, dict[str, object]]:
    return (
        "INSERT INTO external_subnets (uuid, network_uuid, backend_id, name, description,"
        " cidr, ip_version, enable_dhcp, allocation_pools, dns_nameservers, public_ip_range)"
        " VALUES (:uuid, :network, :backend_id, '', '', '172.24.4.0/24', 4, false,"
        " '[]', '[]', :public)",
        {"uuid": uuid.uuid4(), "network": network, "backend_id": backend_id, "public": public},
    )


def test_duplicates_fold_into_the_oldest_record_with_every_subnet_and_range(
    settings_at_0007: Settings,
) -> None:
    settings = settings_at_0007
    asyncio.run(
        _execute(
            settings,
            _network(OLDER, CONNECTION, 1),
            _network(NEWER, CONNECTION, 2),
            _network(OTHER_CLOUD, uuid.uuid4(), 3),
            _subnet(OLDER, "sub-a", ""),
            _subnet(NEWER, "sub-a", "203.0.113.0/24"),  # the range an operator set
            _subnet(NEWER, "sub-b", ""),
            _subnet(OTHER_CLOUD, "sub-a", ""),
        )
    )
    upgrade("network", settings, "0008")
    rows = asyncio.run(_rows(settings))
    assert [(row[0], row[3], row[4]) for row in rows[:2]] == [
        (OLDER, "sub-a", "203.0.113.0/24"),
        (OLDER, "sub-b", ""),
    ]
    assert [(row[0], row[3]) for row in rows[2:]] == [(OTHER_CLOUD, "sub-a")]
    with pytest.raises(IntegrityError):
        asyncio.run(_execute(settings, _network(uuid.uuid4(), CONNECTION, 4)))
    with pytest.raises(IntegrityError):
        asyncio.run(_execute(settings, _subnet(OLDER, "sub-b", "")))
