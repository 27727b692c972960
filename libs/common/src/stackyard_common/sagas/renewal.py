"""Keeping the leases of the runs one runner drives, all of them in one statement.

Every third of the lease, the leases of every run in flight are extended at once (one
transaction, however many runs: fifty runs would otherwise cost fifty per interval). A
driver whose run's lease was lost meanwhile is cancelled: another worker has the run.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from stackyard_common.sagas.lease import Leases

__all__ = ["Renewal"]

log = structlog.get_logger(__name__)


class Renewal:
    """The drivers of one runner, by run, and the task that keeps their leases."""

    def __init__(self, leases: Leases) -> None:
        self.leases = leases
        self._drivers: dict[uuid.UUID, asyncio.Task[Any]] = {}

    @contextmanager
    def driving(self, run_id: uuid.UUID) -> Iterator[None]:
        """The current task drives `run_id` while the block runs."""
        driver = asyncio.current_task()
        assert driver is not None
        self._drivers[run_id] = driver
        try:
            yield
        finally:
            if self._drivers.get(run_id) is driver:
                del self._drivers[run_id]

    async def run(self) -> None:
        """Renew every interval, until cancelled."""
        interval = self.leases.duration.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            drivers = dict(self._drivers)
            if not drivers:
                continue
            try:
                held = await self.leases.renew(list(drivers))
            except Exception as error:  # keep trying; the fenced checkpoint is the guard
                log.warning("saga lease renewal failed", error=repr(error))
                continue
            for run_id, driver in drivers.items():
                # A driver that ended meanwhile may have handed its run to a new one.
                if run_id not in held and self._drivers.get(run_id) is driver:
                    driver.cancel()
