"""Creations that never end: an instance still CREATION_SCHEDULED or CREATING past the
creating deadline, whose provisioning no worker will finish, ends ERRED (its order too).

Whether its provisioning is still live is read from the newest saga run of the
instance (`saga_runs`, in compute's schema):

- no run at all, or a run that ended (`succeeded`, `failed`, `compensated`) with the
  instance still creating (its last step's write was lost): not live;
- a run still `running` or `compensating` whose lease a worker holds, or that is due
  within the deadline (a poll, a retry or an event wait sets when it is due next): live.
  It ends by itself, OK or ERRED, by its steps' own deadlines;
- a run still `running` or `compensating`, unleased, and due for longer than the
  deadline: no worker takes it (its worker died and no worker runs that saga any more,
  or its saga was renamed away). Such a run is ended `failed` here, by a write that
  holds only while no worker has taken it meanwhile (`end_abandoned_run`), so that a
  worker coming back later cannot resume it over the ERRED instance. Its compensation
  does not run: what it made in the cloud stays with the ERRED instance, whose DELETE
  or force_destroy removes it as for any other ERRED instance.

A worker busy with other runs claims a due run within seconds, so the deadline (an hour
by default) leaves a run that is merely late far more time than it needs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import cast, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.records import ResourceState
from stackyard_common.sagas import saga_runs
from stackyard_common.sagas.tables import ACTIVE_STATES

__all__ = ["Creation", "EndedCreation", "end_abandoned_run", "end_stuck_creations", "newest_runs"]


class Creation(Protocol):
    """What is read and written of an instance being created (a record or a row)."""

    uuid: uuid.UUID
    state: str
    error_message: str


C = TypeVar("C", bound=Creation)


@dataclass(frozen=True, slots=True)
class EndedCreation(Generic[C]):
    """An instance ended ERRED here, and the order that made it (if any)."""

    record: C
    order: uuid.UUID | None


async def newest_runs(
    session: AsyncSession, resources: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Any]:
    """The newest saga run of each of `resources` (those that have one), as rows."""
    if not resources:
        return {}
    rows = await session.execute(
        select(saga_runs)
        .where(saga_runs.c.resource_uuid.in_(list(resources)))
        .order_by(saga_runs.c.created.desc())
    )
    newest: dict[uuid.UUID, Any] = {}
    for row in rows:  # an instance has a few runs at most: its actions'
        newest.setdefault(row.resource_uuid, row)
    return newest


def _live(run: Any, now: datetime, deadline: timedelta) -> bool:
    if run.lease_expires_at is not None and run.lease_expires_at > now:
        return True
    return bool(run.wake_at > now - deadline)


async def end_abandoned_run(
    session: AsyncSession, run: Any, *, now: datetime, deadline: timedelta, reason: str
) -> bool:
    """End an unleased run overdue by more than `deadline` as `failed`; False when a
    worker took it meanwhile (then it is live again and left alone)."""
    entry = {"step": run.step_name, "event": "abandoned", "at": now.isoformat(), "error": reason}
    ended = await session.execute(
        update(saga_runs)
        .where(
            saga_runs.c.id == run.id,
            saga_runs.c.state.in_(ACTIVE_STATES),
            # The database's clock for the lease, as the workers' claims read it.
            or_(
                saga_runs.c.lease_expires_at.is_(None),
                saga_runs.c.lease_expires_at < func.now(),
            ),
            saga_runs.c.wake_at <= now - deadline,
        )
        .values(
            state="failed",
            error=reason,
            lease_owner=None,
            lease_expires_at=None,
            modified=func.now(),
            step_log=saga_runs.c.step_log.op("||")(cast(literal(json.dumps([entry])), JSONB)),
        )
        .returning(saga_runs.c.id)
    )
    return ended.first() is not None


def _order(run: Any) -> uuid.UUID | None:
    value = (run.data or {}).get("order_uuid") if run is not None else None
    return uuid.UUID(str(value)) if value else None


async def end_stuck_creations(
    session: AsyncSession,
    records: Sequence[C],
    *,
    now: datetime,
    deadline: timedelta,
) -> list[EndedCreation[C]]:
    """End ERRED, with a readable reason, those of `records` (creating past `deadline`,
    row-locked by the caller) whose provisioning is not live; the caller writes and
    announces them."""
    runs = await newest_runs(session, [record.uuid for record in records])
    ended = []
    for record in records:
        run = runs.get(record.uuid)
        limit = f"The creation did not finish within {deadline}"
        if run is None:
            reason = f"{limit}: it has no provisioning run."
        elif run.state not in ACTIVE_STATES:
            why = f" ({run.error})" if run.error else ""
            reason = f"{limit}: its provisioning run ended {run.state}{why}."
        elif _live(run, now, deadline):
            continue
        else:
            reason = (
                f"{limit}: no worker has driven its provisioning since "
                f"{run.wake_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC (step {run.step_name})."
            )
            if not await end_abandoned_run(session, run, now=now, deadline=deadline, reason=reason):
                continue
        record.state, record.error_message = ResourceState.ERRED.value, reason
        ended.append(EndedCreation(record, _order(run)))
    return ended
