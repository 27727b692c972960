"""What every service proxy shares: typed get, list, create, update, delete."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import httpx

from ._errors import NotFound
from ._pagination import paginate
from ._resource import Resource
from ._session import CloudSession, Params

__all__ = ["Proxy", "available_zones", "only_set", "quota_limits"]

M = TypeVar("M", bound=Resource)


class Proxy:
    """The calls of one service ("compute", "network", ...) over a `CloudSession`."""

    service: ClassVar[str]

    def __init__(self, session: CloudSession) -> None:
        self._session = session

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        microversion: str | None = None,
        retry_safe: bool | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return await self._session.request(
            self.service,
            method,
            path,
            params=params,
            json=json,
            microversion=microversion,
            retry_safe=retry_safe,
            headers=headers,
        )

    async def _get(
        self, model: type[M], path: str, key: str | None, *, microversion: str | None = None
    ) -> M:
        body = (await self._call("GET", path, microversion=microversion)).json()
        return model.from_api(body[key] if key else body)

    async def _list(
        self,
        model: type[M],
        path: str,
        key: str,
        params: Params | None = None,
        *,
        microversion: str | None = None,
    ) -> list[M]:
        return [
            model.from_api(item)
            async for item in paginate(
                self._session, self.service, path, key, params=params, microversion=microversion
            )
        ]

    async def _create(
        self,
        model: type[M],
        path: str,
        key: str | None,
        body: dict[str, Any],
        *,
        retry_safe: bool = False,
        microversion: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> M:
        response = await self._call(
            "POST",
            path,
            json=body,
            retry_safe=retry_safe,
            microversion=microversion,
            headers=headers,
        )
        data = response.json()
        return model.from_api(data[key] if key else data)

    async def _update(
        self,
        model: type[M],
        path: str,
        key: str | None,
        body: Any,
        *,
        method: str = "PUT",
        microversion: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> M:
        response = await self._call(
            method, path, json=body, microversion=microversion, headers=headers
        )
        data = response.json()
        return model.from_api(data[key] if key else data)

    async def _delete(
        self,
        path: str,
        *,
        ignore_missing: bool,
        microversion: str | None = None,
        params: Params | None = None,
    ) -> bool:
        """Delete; False when it was already gone and `ignore_missing` allows that."""
        try:
            await self._call("DELETE", path, microversion=microversion, params=params)
        except NotFound:
            if ignore_missing:
                return False
            raise
        return True

    async def _action(
        self, path: str, body: dict[str, Any], *, microversion: str | None = None
    ) -> httpx.Response:
        # Actions are POSTs that most services do not make idempotent: never retried.
        return await self._call("POST", path, json=body, microversion=microversion)


def only_set(**values: Any) -> dict[str, Any]:
    """`values` without the ones left at None (the caller did not ask to set them)."""
    return {name: value for name, value in values.items() if value is not None}


def quota_limits(quota_set: dict[str, Any]) -> dict[str, int]:
    """The limits of a Nova or Cinder quota set (which also carries its project's "id")."""
    return {
        name: int(value)
        for name, value in quota_set.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


def available_zones(body: dict[str, Any]) -> list[str]:
    """The names of the zones that are up in Nova's or Cinder's `os-availability-zone`."""
    return [
        str(zone["zoneName"])
        for zone in body.get("availabilityZoneInfo") or []
        if (zone.get("zoneState") or {}).get("available", True)
    ]
