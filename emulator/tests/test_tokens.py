"""Token expiry and revocation: every service answers 401 for a dead token."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from .conftest import Running, raw_token


def _service_urls(emulator: Running, project_id: str) -> list[str]:
    return [
        f"{emulator.url}/identity/v3/users",
        f"{emulator.url}/compute/v2.1/servers",
        f"{emulator.url}/network/v2.0/networks",
        f"{emulator.url}/volume/v3/{project_id}/volumes",
        f"{emulator.url}/image/v2/images",
    ]


def _statuses(emulator: Running, token: str, project_id: str) -> list[int]:
    headers = {"X-Auth-Token": token}
    return [
        httpx.get(url, headers=headers).status_code for url in _service_urls(emulator, project_id)
    ]


def test_expired_token_is_refused_everywhere(emulator: Running) -> None:
    with emulator.control() as control:
        control.patch("/settings", json={"token_lifetime": 3})
        try:
            token, body = raw_token(emulator)
        finally:
            control.patch("/settings", json={"token_lifetime": 3600})
    project_id = body["token"]["project"]["id"]
    assert _statuses(emulator, token, project_id) == [200] * 5
    expires = datetime.strptime(body["token"]["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    time.sleep(max(0.0, (expires.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()) + 0.1)
    assert _statuses(emulator, token, project_id) == [401] * 5
    refused = httpx.get(f"{emulator.url}/compute/v2.1/servers", headers={"X-Auth-Token": token})
    assert refused.json()["error"]["code"] == 401
    assert refused.headers["WWW-Authenticate"].startswith("Keystone uri=")


def test_revoked_tokens_are_refused_everywhere(emulator: Running, admin: Any) -> None:
    token, body = raw_token(emulator)
    project_id = body["token"]["project"]["id"]
    list(admin.compute.flavors())
    with emulator.control() as control:
        control.delete("/counters")
        assert control.post("/revoke-tokens").json()["revoked"] >= 2
        assert _statuses(emulator, token, project_id) == [401] * 5
        # A real client re-authenticates once it sees the 401 and carries on.
        names = [f.name for f in admin.compute.flavors()]
        assert names[0] == "m1.tiny"
        counters = control.get("/counters").json()["counters"]
    assert counters["identity POST /v3/auth/tokens"] == 1
    assert counters["compute GET /v2.1/flavors/detail"] == 2


def test_missing_token_is_401(emulator: Running) -> None:
    assert httpx.get(f"{emulator.url}/network/v2.0/ports").status_code == 401
