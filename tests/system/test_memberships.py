"""A role granted in identity reaches every other service's memberships projection
through the outbox, the relay, RabbitMQ and each worker's consumer."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest

from stackyard_common.testing.platform import RunningPlatform
from stackyard_common.topology import SERVICES

pytestmark = pytest.mark.system


def _staff_client(platform: RunningPlatform) -> httpx.Client:
    client = httpx.Client(base_url=platform.gateway_url, timeout=15)
    login = client.post("/api-auth/password/", json={"username": "admin", "password": "admin"})
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Token {login.json()['token']}"
    return client


async def _projected(platform: RunningPlatform, user_uuid: str) -> dict[str, list[str]]:
    settings = platform.settings
    conn = await asyncpg.connect(
        settings.database.admin_dsn.get_secret_value(), database=settings.database.name
    )
    try:
        found: dict[str, list[str]] = {}
        for spec in SERVICES:
            rows = await conn.fetch(
                f'SELECT role FROM "{spec.name}".memberships '  # noqa: S608 - topology names
                "WHERE user_uuid = $1 AND active",
                user_uuid,
            )
            found[spec.name] = sorted(row["role"] for row in rows)
        return found
    finally:
        await conn.close()


def test_a_role_grant_reaches_every_service(platform: RunningPlatform) -> None:
    staff = _staff_client(platform)
    customer = staff.post("/api/customers/", json={"name": "Projection Org"})
    assert customer.status_code == 201, customer.text
    user = staff.post(
        "/api/users/", json={"username": "projected-owner", "password": "long-enough-pw"}
    )
    assert user.status_code == 201, user.text
    user_uuid = user.json()["uuid"]
    grant = staff.post(
        f"/api/customers/{customer.json()['uuid']}/add_user/",
        json={"user": user_uuid, "role": "CUSTOMER.OWNER"},
    )
    assert grant.status_code in (200, 201), grant.text

    deadline = time.monotonic() + 30
    expected = {spec.name: ["CUSTOMER.OWNER"] for spec in SERVICES}
    found: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        found = asyncio.run(_projected(platform, user_uuid))
        if found == expected:
            break
        time.sleep(0.5)
    assert found == expected
