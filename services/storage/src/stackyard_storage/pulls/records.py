"""One kind of record compared with one cloud listing of a tenant, in one pass.

The records are read after the listing, locked until the pull's transaction ends, so
that no saga changes one between the comparison and the write. A record changed after
the listing began (`modified` later than the listing's start on the database's clock)
is left to the next pull: the listing may predate the change (a creation that just
ended would look gone from the cloud, a size just grown would shrink back).

Busy records are left to the work in flight, unless they have been in creation longer
than the deadline with no live saga (`liveness`): those end ERRED, and so does their
order, with the order uuid the saga was started with.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Envelope
from stackyard_common.resources.pulls import PullSettings, reconcile, stuck
from stackyard_common.resources.records import ResourceState
from stackyard_storage.pulls.kinds import PullKind
from stackyard_storage.pulls.liveness import end_abandoned_runs, saga_holders

__all__ = ["KindPull", "compare_kind"]


@dataclass
class KindPull:
    """What comparing one kind found, ready to be written."""

    kind: PullKind
    counts: dict[str, int]
    events: list[Envelope] = field(default_factory=list)
    expired: list[uuid.UUID] = field(default_factory=list)


async def compare_kind(
    session: AsyncSession,
    kind: PullKind,
    tenant: uuid.UUID,
    found: Sequence[Any],
    *,
    now: datetime,
    listed_since: datetime,
    settings: PullSettings,
) -> KindPull:
    """Compare `tenant`'s records of `kind` with `found` (listed from `listed_since`, on
    the database's clock); the records are changed in the session, and its events made.

    Call it with autoflush off: the changes are written by one flush after every kind
    is compared (and a flush would expire the server-set columns the events read)."""
    model = kind.model
    records = list(
        (
            await session.execute(
                select(model)
                .where(model.tenant_uuid == tenant)
                .order_by(model.uuid)
                .with_for_update()
            )
        ).scalars()
    )
    fresh = [record for record in records if record.modified > listed_since]
    fresh_ids = {record.backend_id for record in fresh if record.backend_id}
    result = reconcile(
        [record for record in records if record.modified <= listed_since],
        [item for item in found if item.id not in fresh_ids],
        apply=kind.apply,
        now=now,
        grace=settings.grace,
        missing_message=kind.missing_message,
    )
    pull = KindPull(kind, {**result.counts(), "fresh": len(fresh), "stuck": 0})
    for record in (*result.changed, *result.missing, *result.returned):
        pull.events.append(kind.event(kind.state_changed, record))
    for record in result.expired:
        pull.events.append(kind.event(kind.deleted, record))
        pull.expired.append(record.uuid)
    erred = await _end_stuck(session, kind, result.busy_records, now, settings)
    for record, order in erred:
        extra = {"order_result": "erred"} if order else {}
        pull.events.append(kind.event(kind.state_changed, record, order, **extra))
    pull.counts["stuck"] = len(erred)
    return pull


async def _end_stuck(
    session: AsyncSession,
    kind: PullKind,
    busy: Sequence[Any],
    now: datetime,
    settings: PullSettings,
) -> list[tuple[Any, uuid.UUID | None]]:
    """End ERRED the records stuck in creation that no live saga holds; each with the
    order its saga was started for."""
    candidates = stuck(busy, now=now, deadline=settings.deadline)
    if not candidates:
        return []
    message = kind.stuck_message(settings.deadline)
    holders = await saga_holders(
        session, [record.uuid for record in candidates], now=now, deadline=settings.deadline
    )
    ended = await end_abandoned_runs(
        session,
        holders.abandoned,
        now=now,
        deadline=settings.deadline,
        error=f"ended by a pull: {message}",
    )
    erred = []
    for record in candidates:
        if record.uuid in holders.live:
            continue
        if record.uuid in holders.abandoned and record.uuid not in ended:
            continue  # a worker claimed its run meanwhile
        record.state = ResourceState.ERRED.value
        record.error_message = message
        erred.append((record, holders.orders.get(record.uuid)))
    return erred
