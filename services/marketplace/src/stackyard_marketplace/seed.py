"""`make run`'s ready tenant offering: the built-in emulator cloud, offered by a provider
organisation, so that a new user can order a tenant at once.

It is made through the public API, as staff would make it by hand, and only once. The
emulator keeps its cloud in memory, so a restarted one has a new external network: an
existing offering gets the emulator's current address and network instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from stackyard_common.settings import Settings

__all__ = ["CATEGORY", "OFFERING", "PROVIDER", "ensure_emulator_offering", "seed_emulator_offering"]

PROVIDER = "Stackyard Cloud"
CATEGORY = "Private clouds"
OFFERING = "Emulated OpenStack"
EMULATOR_ADMIN = {"username": "admin", "password": "secret", "tenant_name": "admin"}


def _one(response: httpx.Response, field: str, value: str) -> dict[str, Any] | None:
    # List filters match parts of names: the one whose `field` is exactly `value`.
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()
    return next((item for item in found if item.get(field) == value), None)


def _made(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    made: dict[str, Any] = response.json()
    return made


async def seed_emulator_offering(
    settings: Settings, username: str, password: str, *, timeout: float = 30.0
) -> dict[str, Any]:
    """The active `OpenStack.Tenant` offering on the platform's emulator: made if missing
    (with its provider organisation and category), else pointed at the emulator as it is
    now. Raises `httpx.HTTPError` on failure."""
    ports = settings.ports
    gateway = f"http://{ports.host}:{ports.gateway}"
    emulator = f"http://{ports.host}:{ports.emulator}"
    async with httpx.AsyncClient(base_url=gateway, timeout=timeout) as client:
        login = await client.post(
            "/api-auth/password/", json={"username": username, "password": password}
        )
        client.headers["Authorization"] = f"Token {_made(login)['token']}"
        async with httpx.AsyncClient(timeout=timeout) as cloud:
            inventory = _made(await cloud.get(f"{emulator}/_emulator/inventory"))
        public = next(
            network["id"]
            for project in inventory["projects"].values()
            for network in project["networks"]
            if network["name"] == "public"
        )
        where = {"backend_url": f"{emulator}/identity/v3", "external_network_id": public}
        existing = _one(
            await client.get(
                "/api/marketplace-provider-offerings/",
                params={"name": OFFERING, "type": "OpenStack.Tenant", "state": "Active"},
            ),
            "name",
            OFFERING,
        )
        if existing is not None:
            return _made(
                await client.patch(
                    f"/api/marketplace-provider-offerings/{existing['uuid']}/",
                    json={"secret_options": where},
                )
            )
        provider = _one(
            await client.get("/api/customers/", params={"name": PROVIDER}), "name", PROVIDER
        )
        provider = provider or _made(await client.post("/api/customers/", json={"name": PROVIDER}))
        category = _one(
            await client.get("/api/marketplace-categories/", params={"title": CATEGORY}),
            "title",
            CATEGORY,
        )
        category = category or _made(
            await client.post(
                "/api/marketplace-categories/",
                json={"title": CATEGORY, "description": "OpenStack tenants of your own."},
            )
        )
        offering = _made(
            await client.post(
                "/api/marketplace-provider-offerings/",
                json={
                    "name": OFFERING,
                    "description": "A tenant on the built-in emulator cloud.",
                    "category": category["uuid"],
                    "customer": provider["uuid"],
                    "type": "OpenStack.Tenant",
                    "secret_options": {**where, **EMULATOR_ADMIN},
                    "plugin_options": {"storage_mode": "fixed"},
                    "plans": [
                        {
                            "name": "Standard",
                            "description": "Up to 64 cores, 128 GiB of RAM, 2 TiB of storage.",
                            "quotas": {"cores": 64, "ram": 131072, "storage": 2097152},
                        }
                    ],
                },
            )
        )
        return _made(
            await client.post(f"/api/marketplace-provider-offerings/{offering['uuid']}/activate/")
        )


async def ensure_emulator_offering(
    settings: Settings, username: str, password: str, *, attempts: int = 10, pause: float = 2.0
) -> dict[str, Any]:
    """`seed_emulator_offering`, tried again while the platform is still settling (a
    service that just became ready may not answer every call at once)."""
    for attempt in range(1, attempts + 1):
        try:
            return await seed_emulator_offering(settings, username, password)
        except httpx.HTTPError:
            if attempt == attempts:
                raise
            await asyncio.sleep(pause * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
