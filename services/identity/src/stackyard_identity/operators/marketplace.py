"""Identity's calls to the marketplace's internal API for quota checks: a tenant's
marketplace limits, and importing the cloud's limits into them.

A missing resource is `NotFound`; a marketplace that does not answer, or answers
anything else, is `ServiceUnavailable`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from stackyard_common.api import NotFound, ServiceUnavailable
from stackyard_common.internal import call_service
from stackyard_common.settings import Settings

__all__ = ["MarketplaceLimits"]

TIMEOUT = 10.0


@dataclass(frozen=True)
class MarketplaceLimits:
    """The marketplace, as identity asks it about limits; `transport` replaces the
    network (tests)."""

    settings: Settings
    transport: httpx.AsyncBaseTransport | None = None

    async def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = await call_service(
            self.settings,
            "identity",
            "marketplace",
            method,
            path,
            json=body,
            timeout=TIMEOUT,
            transport=self.transport,
        )
        if response.status_code == 404:
            raise NotFound("The marketplace has no such resource.")
        if response.status_code != 200:
            raise ServiceUnavailable(f"The marketplace answered {response.status_code}.")
        answer: dict[str, Any] = response.json()
        return answer

    async def limits(self, resource: uuid.UUID) -> dict[str, int] | None:
        """The limits of marketplace resource `resource`, by component; None when the
        marketplace no longer has it, or has it terminated (its limits bind nothing)."""
        try:
            answer = await self._call("GET", f"/internal/resources/{resource}")
        except NotFound:
            return None
        if answer["state"] == "Terminated":
            return None
        return {str(name): int(value) for name, value in answer["limits"].items()}

    async def import_limits(
        self, resource: uuid.UUID, limits: Mapping[str, int], *, dry_run: bool
    ) -> dict[str, list[int | None]]:
        """Set the resource's limits to `limits` (the components its offering sells);
        what changed, or would change when `dry_run`, as `[old, new]` by component."""
        answer = await self._call(
            "PUT",
            f"/internal/resources/{resource}/limits",
            {"limits": dict(limits), "dry_run": dry_run},
        )
        changed: dict[str, list[int | None]] = answer["changed"]
        return changed
