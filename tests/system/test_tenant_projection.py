"""Compute, storage, network and images learn of a tenant from identity's events, and
open cloud sessions inside it with the tenant's own user."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from stackyard_common.tenants import TenantClients
from stackyard_common.testing.platform import RunningPlatform

from .journey import Journey, wait_for

pytestmark = pytest.mark.system

WORKING_IN_TENANTS = ("compute", "storage", "network", "images")


async def _projections(platform: RunningPlatform, tenant_uuid: str) -> dict[str, Any]:
    settings = platform.settings
    conn = await asyncpg.connect(
        settings.database.admin_dsn.get_secret_value(), database=settings.database.name
    )
    try:
        found = {}
        for service in WORKING_IN_TENANTS:
            row = await conn.fetchrow(
                f"SELECT state, backend_id, deleted, internal_network_id "  # noqa: S608
                f'FROM "{service}".tenants WHERE uuid = $1',
                uuid.UUID(tenant_uuid),
            )
            found[service] = dict(row) if row else None
        return found
    finally:
        await conn.close()


async def _inside(platform: RunningPlatform, tenant_uuid: str) -> tuple[list[str], list[str]]:
    redis = Redis.from_url(platform.settings.redis.url.get_secret_value())
    clients = TenantClients(platform.settings, "compute", redis)
    try:
        client = await clients.client(uuid.UUID(tenant_uuid))
        networks = [network.id for network in await client.network.list_networks()]
        servers = [server.id for server in await client.compute.list_servers()]
        return networks, servers
    finally:
        await clients.aclose()
        await redis.aclose()


def test_services_project_tenants_and_work_inside_them(platform: RunningPlatform) -> None:
    journey = Journey.start(platform)
    organisation = journey.organisation("Projection")
    offering = journey.tenant_offering(organisation.uuid)
    order = journey.order(
        organisation.owner,
        {
            "offering": offering["uuid"],
            "project": organisation.project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 4, "ram": 8192, "storage": 51200},
            "attributes": {"name": "projected", "subnet_cidr": "192.168.77.0/24"},
        },
    )
    assert journey.finished_order(organisation.owner, order["uuid"])["state"] == "done"
    resource = journey.staff.get(
        f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"
    ).json()
    tenant = journey.staff.get(resource["scope"]).json()

    def projected_ok() -> dict[str, Any] | None:
        found = asyncio.run(_projections(platform, tenant["uuid"]))
        ready = all(row and row["state"] == "OK" for row in found.values())
        return found if ready else None

    found = wait_for("the tenant in every service", projected_ok, timeout=30)
    for row in found.values():
        assert row["backend_id"] == tenant["backend_id"]
        assert row["internal_network_id"] == tenant["internal_network_id"]
        assert row["deleted"] is False

    networks, servers = asyncio.run(_inside(platform, tenant["uuid"]))
    assert tenant["internal_network_id"] in networks
    assert servers == []

    ended = journey.staff.post(f"/api/marketplace-resources/{resource['uuid']}/terminate/")
    assert journey.finished_order(journey.staff, ended.json()["order_uuid"])["state"] == "done"

    def projected_deleted() -> dict[str, Any] | None:
        found = asyncio.run(_projections(platform, tenant["uuid"]))
        return found if all(row and row["deleted"] for row in found.values()) else None

    wait_for("the tenant's deletion in every service", projected_deleted, timeout=30)
