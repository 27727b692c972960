"""Cloud credentials never leave identity except to staff who ask for them and to
services through the internal endpoint: not in API responses, log lines, events, the
audit log, or the database in clear."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from stackyard_common.auth import fetch_cloud_credentials

USERNAME = "keystone-admin-7c1e"
PASSWORD = "s3cret-pa55word-d41d"
NEW_PASSWORD = "rotated-pa55word-98fe"
SECRETS = (USERNAME, PASSWORD, NEW_PASSWORD)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged during the test, rendered as the process renders it."""
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(root.handlers[0].formatter if root.handlers else None)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _clean(response: httpx.Response) -> None:
    for secret in SECRETS:
        assert secret not in response.text, f"{response.request.url} leaks a secret"


async def test_secrets_stay_out_of_responses_logs_events_and_the_audit_log(
    identity: Any, log_lines: io.StringIO
) -> None:
    client, staff = identity.client, identity.headers("staff")
    scenario = await identity.scenario()
    created = await client.post(
        "/api/service-settings/",
        headers=staff,
        json={
            "name": "secret cloud",
            "backend_url": "https://keystone.example.com:5000/v3",
            "username": USERNAME,
            "password": PASSWORD,
            "customer": str(scenario.customer.uuid),
            "shared": False,
        },
    )
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    responses = [
        created,
        await client.patch(
            f"/api/service-settings/{uuid}/", headers=staff, json={"password": NEW_PASSWORD}
        ),
        await client.get(f"/api/service-settings/{uuid}/", headers=staff),
        await client.get("/api/service-settings/?page_size=300", headers=staff),
        await client.get(f"/api/events/?resource_uuid={uuid}", headers=staff),
        await client.get("/api/events/?page_size=300", headers=staff),
    ]
    for role in ("owner", "customer_manager", "support"):
        own = await client.get(f"/api/service-settings/{uuid}/", headers=identity.headers(role))
        assert own.status_code == 200
        responses.append(own)
        asked = await client.get(
            f"/api/service-settings/{uuid}/?include_secrets=true", headers=identity.headers(role)
        )
        assert asked.status_code == 403
        responses.append(asked)
    for response in responses:
        _clean(response)
    assert "password" not in created.json()

    # Staff asking explicitly get the current credentials.
    explicit = await client.get(
        f"/api/service-settings/{uuid}/?include_secrets=true", headers=staff
    )
    assert (explicit.json()["username"], explicit.json()["password"]) == (USERNAME, NEW_PASSWORD)

    # Services get them over the internal endpoint, with a service token only.
    credentials = await fetch_cloud_credentials(
        identity.settings,
        "compute",
        scenario.private_connection.uuid,
        transport=httpx.ASGITransport(app=identity.app),
    )
    assert credentials.password.get_secret_value() == "cloud-admin-secret-4f9a"
    assert "cloud-admin-secret-4f9a" not in repr(credentials)
    served = await fetch_cloud_credentials(
        identity.settings,
        "network",
        created.json()["uuid"],
        transport=httpx.ASGITransport(app=identity.app),
    )
    assert served.username == USERNAME
    assert served.password.get_secret_value() == NEW_PASSWORD

    async with identity.database.session() as session:
        stored = (
            await session.execute(
                text(
                    "SELECT username_encrypted, password_encrypted FROM cloud_connections"
                    " WHERE uuid = :uuid"
                ),
                {"uuid": uuid},
            )
        ).one()
        events = (await session.execute(text("SELECT body::text FROM outbox"))).scalars().all()
        entries = (
            (await session.execute(text("SELECT message || context::text FROM audit_entries")))
            .scalars()
            .all()
        )
    assert not set(stored) & set(SECRETS)
    assert any(uuid in body for body in events)  # the connection's events are there
    for body in [*events, *entries]:
        for secret in SECRETS:
            assert secret not in body

    logged = log_lines.getvalue()
    assert "cloud credentials served" in logged  # the capture does see the service's logs
    for secret in SECRETS:
        assert secret not in logged


async def test_failed_login_passwords_are_not_logged(identity: Any, log_lines: io.StringIO) -> None:
    response = await identity.client.post(
        "/api-auth/password/",
        json={"username": identity.people["owner"].username, "password": PASSWORD},
    )
    assert response.status_code == 401
    assert PASSWORD not in log_lines.getvalue()
