"""Waiting for a resource to reach a status, or to be gone, within a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Protocol, TypeVar

from ._errors import NotFound, ResourceFailed, Timeout

__all__ = ["wait_for_delete", "wait_for_status"]


class _HasStatus(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def status(self) -> str | None: ...


R = TypeVar("R", bound=_HasStatus)


def _fold(statuses: str | Collection[str]) -> frozenset[str]:
    values = [statuses] if isinstance(statuses, str) else list(statuses)
    # Nova says ACTIVE, Cinder says available: compare without case.
    return frozenset(value.lower() for value in values)


async def wait_for_status(
    fetch: Callable[[], Awaitable[R]],
    status: str | Collection[str],
    *,
    failures: str | Collection[str] = ("error",),
    timeout: float = 600.0,
    interval: float = 2.0,
    max_interval: float = 15.0,
) -> R:
    """Poll `fetch` until the resource's status is one of `status`; return it then.

    Statuses compare case-insensitively. Raises `ResourceFailed` when a status in
    `failures` is seen, `Timeout` when `timeout` seconds pass, and whatever `fetch` raises
    (e.g. `NotFound` when the resource vanished). The pause between polls starts at
    `interval` and grows by half each time, up to `max_interval`.
    """
    wanted = _fold(status)
    failed = _fold(failures)
    deadline = time.monotonic() + timeout
    pause = interval
    while True:
        resource = await fetch()
        current = (resource.status or "").lower()
        if current in wanted:
            return resource
        if current in failed:
            raise ResourceFailed(
                f"{type(resource).__name__} {resource.id} reached {resource.status}",
                resource=resource,
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Timeout(
                f"{type(resource).__name__} {resource.id} is still {resource.status} after "
                f"{timeout:g} s; wanted {', '.join(sorted(wanted))}"
            )
        await asyncio.sleep(min(pause, remaining))
        pause = min(max_interval, pause * 1.5)


async def wait_for_delete(
    fetch: Callable[[], Awaitable[object]],
    *,
    timeout: float = 600.0,
    interval: float = 2.0,
    max_interval: float = 15.0,
    failures: str | Collection[str] = ("error_deleting",),
) -> None:
    """Poll `fetch` until it raises `NotFound`.

    Raises `Timeout` when `timeout` seconds pass first, and `ResourceFailed` when the
    resource shows a status in `failures` (Cinder's `error_deleting`).
    """
    failed = _fold(failures)
    deadline = time.monotonic() + timeout
    pause = interval
    while True:
        try:
            resource = await fetch()
        except NotFound:
            return
        current = str(getattr(resource, "status", "") or "").lower()
        if current in failed:
            raise ResourceFailed(
                f"{type(resource).__name__} {getattr(resource, 'id', '?')} reached {current}",
                resource=resource,
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Timeout(
                f"{type(resource).__name__} {getattr(resource, 'id', '?')} still exists "
                f"after {timeout:g} s"
            )
        await asyncio.sleep(min(pause, remaining))
        pause = min(max_interval, pause * 1.5)
