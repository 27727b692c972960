"""Leases on saga runs: claiming due runs, renewing, and fenced checkpoints.

A run is driven only by the worker whose name is in `lease_owner` while
`lease_expires_at` lies ahead. Every write of a driver is conditional on still holding
the lease (`LeaseLost` otherwise), so a worker that stalled past its lease cannot
overwrite the progress of the one that took over.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.sagas.tables import ACTIVE_STATES, saga_runs

__all__ = ["LeaseLost", "Leases", "Run"]


class LeaseLost(Exception):
    """The worker no longer holds the run's lease: it must stop driving the run."""


@dataclass(slots=True)
class Run:
    """A claimed run, as its driver keeps it in memory between checkpoints."""

    id: uuid.UUID
    saga: str
    resource_uuid: uuid.UUID
    state: str
    step_index: int
    phase: str
    data: dict[str, Any]
    attempts: int
    deadline: datetime | None
    received_event: dict[str, Any] | None
    error: str | None
    trace: dict[str, str]
    step_log: list[dict[str, Any]] = field(default_factory=list)
    # Whether this driver recorded the current step's start (see `StepContext.fresh`).
    started_here: bool = False

    @classmethod
    def from_row(cls, row: Any) -> Run:
        """The run described by a `saga_runs` row."""
        return cls(
            id=row.id,
            saga=row.saga,
            resource_uuid=row.resource_uuid,
            state=row.state,
            step_index=row.step_index,
            phase=row.phase,
            data=dict(row.data),
            attempts=row.attempts,
            deadline=row.deadline,
            received_event=row.received_event,
            error=row.error,
            trace=dict(row.trace),
            step_log=list(row.step_log),
        )


class Leases:
    """Lease operations of one worker (`owner`) on one service's `saga_runs`."""

    def __init__(self, database: Database, owner: str, duration: timedelta) -> None:
        self.database = database
        self.owner = owner
        self.duration = duration

    def _expiry(self) -> Any:
        return func.now() + func.make_interval(0, 0, 0, 0, 0, 0, self.duration.total_seconds())

    async def claim(self, sagas: Sequence[str], limit: int) -> list[Run]:
        """Take the lease of up to `limit` due, unleased runs of `sagas`, oldest due first.

        SKIP LOCKED lets concurrent workers claim different runs without waiting.
        """
        due = (
            select(saga_runs.c.id)
            .where(
                saga_runs.c.state.in_(ACTIVE_STATES),
                saga_runs.c.saga.in_(list(sagas)),
                saga_runs.c.wake_at <= func.now(),
                or_(
                    saga_runs.c.lease_expires_at.is_(None),
                    saga_runs.c.lease_expires_at < func.now(),
                ),
            )
            .order_by(saga_runs.c.wake_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self.database.session() as session:
            rows = (
                await session.execute(
                    update(saga_runs)
                    .where(saga_runs.c.id.in_(due.scalar_subquery()))
                    .values(lease_owner=self.owner, lease_expires_at=self._expiry())
                    .returning(*saga_runs.c)
                )
            ).all()
        return [Run.from_row(row) for row in rows]

    async def renew(self, run_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Extend the leases of `run_ids` in one statement; the ids of those this worker
        still holds (the others it has lost)."""
        async with self.database.session() as session:
            result = await session.execute(
                update(saga_runs)
                .where(saga_runs.c.id.in_(run_ids), saga_runs.c.lease_owner == self.owner)
                .values(lease_expires_at=self._expiry())
                .returning(saga_runs.c.id)
            )
            return set(result.scalars())

    async def checkpoint(
        self, session: AsyncSession, run_id: uuid.UUID, release: bool = False, **values: Any
    ) -> None:
        """Write `values` to the run in `session`'s transaction if this worker still holds
        its lease (raises `LeaseLost` otherwise); `release` gives the lease up."""
        if release:
            values.update(lease_owner=None, lease_expires_at=None)
        result = await session.execute(
            update(saga_runs)
            .where(saga_runs.c.id == run_id, saga_runs.c.lease_owner == self.owner)
            .values(modified=func.now(), **values)
            .returning(saga_runs.c.id)
        )
        if result.first() is None:
            raise LeaseLost(str(run_id))

    async def release(self, run_id: uuid.UUID) -> None:
        """Give the lease of `run_id` up (best effort, e.g. on shutdown)."""
        async with self.database.session() as session:
            await session.execute(
                update(saga_runs)
                .where(saga_runs.c.id == run_id, saga_runs.c.lease_owner == self.owner)
                .values(lease_owner=None, lease_expires_at=None)
            )
