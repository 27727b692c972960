"""Whether a saga still holds a record that a pull found stuck in creation.

A run is *live* when it is active (`running` or `compensating`) and either a worker
holds its lease now or its wake-up time lies less than the creation deadline in the
past: a run that is due is claimed by the first worker that runs its saga within
moments, so one left due and unclaimed for a whole deadline has no worker that will
drive it (its worker died and none took over, or no worker knows the saga any more).

Such an abandoned run is ended `failed` by the pull, in the pull's transaction and only
if it is still unleased and overdue at that moment (a worker claiming it meanwhile
wins), so that it cannot resume later and undo the record's ERRED state. It is not
compensated: what it made in the cloud carries the record's uuid (`common.cloud.MARK`)
and the record's own delete finds it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.sagas.tables import ACTIVE_STATES, saga_runs

__all__ = ["Holders", "end_abandoned_runs", "saga_holders"]


@dataclass(frozen=True, slots=True)
class Holders:
    """What the saga runs of some records say about them."""

    live: frozenset[uuid.UUID]
    """Records a live run holds: the pull leaves them alone."""
    abandoned: frozenset[uuid.UUID]
    """Records held only by active runs that no worker drives."""
    orders: dict[uuid.UUID, uuid.UUID]
    """The marketplace order each record's newest run names, if any."""


def _unleased(now: datetime) -> object:
    return or_(saga_runs.c.lease_expires_at.is_(None), saga_runs.c.lease_expires_at <= now)


async def saga_holders(
    session: AsyncSession, records: Collection[uuid.UUID], *, now: datetime, deadline: timedelta
) -> Holders:
    """Read every run of `records` and sort the records by who holds them."""
    if not records:
        return Holders(frozenset(), frozenset(), {})
    rows = (
        await session.execute(
            select(
                saga_runs.c.resource_uuid,
                saga_runs.c.state,
                saga_runs.c.lease_expires_at,
                saga_runs.c.wake_at,
                saga_runs.c.data["order_uuid"].astext.label("order_uuid"),
            )
            .where(saga_runs.c.resource_uuid.in_(list(records)))
            .order_by(saga_runs.c.created)
        )
    ).all()
    live: set[uuid.UUID] = set()
    abandoned: set[uuid.UUID] = set()
    orders: dict[uuid.UUID, uuid.UUID] = {}
    for row in rows:
        if row.order_uuid:
            orders[row.resource_uuid] = uuid.UUID(row.order_uuid)  # the newest run wins
        if row.state not in ACTIVE_STATES:
            continue
        leased = row.lease_expires_at is not None and row.lease_expires_at > now
        if leased or row.wake_at > now - deadline:
            live.add(row.resource_uuid)
        else:
            abandoned.add(row.resource_uuid)
    return Holders(frozenset(live), frozenset(abandoned - live), orders)


async def end_abandoned_runs(
    session: AsyncSession,
    records: Collection[uuid.UUID],
    *,
    now: datetime,
    deadline: timedelta,
    error: str,
) -> set[uuid.UUID]:
    """End `failed` the active runs of `records` that are still abandoned now; the
    records whose runs were ended (a record missing from the answer is live again)."""
    if not records:
        return set()
    ended = await session.execute(
        update(saga_runs)
        .where(
            saga_runs.c.resource_uuid.in_(list(records)),
            saga_runs.c.state.in_(ACTIVE_STATES),
            and_(_unleased(now), saga_runs.c.wake_at <= now - deadline),  # type: ignore[arg-type]
        )
        .values(
            state="failed",
            error=error,
            lease_owner=None,
            lease_expires_at=None,
            modified=func.now(),
        )
        .returning(saga_runs.c.resource_uuid)
    )
    return set(ended.scalars())
