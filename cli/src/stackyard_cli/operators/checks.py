"""A check's outcome, timed, and the line `validate-openstack-services` prints for it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from stackyard_common.openstack import OpenStackError

__all__ = ["Check", "CheckFailed", "run_check"]


class CheckFailed(Exception):
    """A probe's own finding that fails its check (no flavor to try, say)."""


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, how long it took, and what it found (or
    the cloud's error message)."""

    name: str
    ok: bool
    seconds: float
    detail: str

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        return f"{mark} {self.name} ({self.seconds * 1000:.0f} ms): {self.detail}"


async def run_check(name: str, probe: Callable[[], Awaitable[str]]) -> Check:
    """Run `probe` (which returns what it found); a cloud error, a timeout, a refused
    connection or a `CheckFailed` is a failed check carrying the message, not an
    exception."""
    started = time.monotonic()
    try:
        detail = await probe()
    except (OpenStackError, CheckFailed) as error:
        return Check(name, False, time.monotonic() - started, str(error))
    except (OSError, TimeoutError) as error:
        return Check(name, False, time.monotonic() - started, f"{type(error).__name__}: {error}")
    return Check(name, True, time.monotonic() - started, detail)
