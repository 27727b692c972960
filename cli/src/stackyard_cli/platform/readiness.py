"""Waiting for a running platform: every service ready through the gateway."""

from __future__ import annotations

import asyncio
import time

import httpx

from stackyard_common.settings import Settings
from stackyard_common.topology import SERVICES

__all__ = ["gateway_url", "wait_until_ready"]


def gateway_url(settings: Settings) -> str:
    """Base URL of the local gateway."""
    return f"http://{settings.ports.host}:{settings.ports.gateway}"


async def wait_until_ready(settings: Settings, timeout: float) -> dict[str, int | None]:
    """Poll `/api/<service>/readyz` through the gateway until all answer 200 or time runs
    out; returns the last status of each service (None where nothing answered)."""
    statuses: dict[str, int | None] = {spec.name: None for spec in SERVICES}
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=gateway_url(settings), timeout=5.0) as client:
        while True:
            for name, status in statuses.items():
                if status == 200:
                    continue
                try:
                    statuses[name] = (await client.get(f"/api/{name}/readyz")).status_code
                except httpx.HTTPError:
                    statuses[name] = None
            if all(status == 200 for status in statuses.values()):
                return statuses
            if time.monotonic() > deadline:
                return statuses
            await asyncio.sleep(0.5)
