"""One kind of record compared with one cloud listing of a tenant, in one pass.

The records are read after the listing, locked until the pull's transaction ends, so
that no saga changes one between the comparison and the write. A record changed after
the listing began (`modified` later than the listing's start on the database's clock)
is left to the next pull: the listing may predate the change (a creation that just
ended would look gone from the cloud, a size just grown would shrink back).

Only the columns the pull compares and owns are read, as plain rows (no ORM objects),
with whether each is fresh in that sense, in one query; the rows that differ are
written back in one statement, which hands back the whole records for the events
announcing the change (the expired ones come back whole from their deletion).

Busy records are left to the work in flight, unless they have been in creation longer
than the deadline with no live saga (`liveness`): those end ERRED, and so does their
order, with the order uuid the saga was started with.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Interval, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Envelope
from stackyard_common.resources.bulk import delete_records, update_records
from stackyard_common.resources.pulls import PullSettings, reconcile, stuck
from stackyard_common.resources.records import ResourceState
from stackyard_storage.pulls.kinds import PullKind
from stackyard_storage.pulls.liveness import end_abandoned_runs, saga_holders

__all__ = ["KindPull", "compare_kind"]

_MARKS = ("state", "error_message", "backend_missing_since")
_KEYS = ("uuid", "backend_id", "modified", *_MARKS)


class PulledRow:
    """The columns of one record that a pull compares and may change."""

    uuid: uuid.UUID
    backend_id: str
    state: str
    error_message: str
    backend_missing_since: datetime | None
    modified: datetime

    def __init__(self, keys: Sequence[str], values: Sequence[Any]) -> None:
        self.__dict__.update(zip(keys, values, strict=True))


@dataclass
class KindPull:
    """What comparing one kind found and wrote."""

    kind: PullKind
    counts: dict[str, int]
    events: list[Envelope] = field(default_factory=list)


@cache
def _reading(kind: PullKind) -> tuple[tuple[str, ...], Select[Any]]:
    """The columns a pull reads of `kind`, and the statement reading them for one
    tenant (`:tenant`), row-locked, with whether each changed within `:elapsed` on the
    database's clock: Core, of the table's columns, built once."""
    table = kind.model.__table__
    keys = (*_KEYS, *kind.compared)
    elapsed = bindparam("elapsed", type_=Interval())
    statement = (
        select(
            *(table.c[name] for name in keys),
            (table.c.modified > func.clock_timestamp() - elapsed).label("fresh"),
        )
        .where(table.c.tenant_uuid == bindparam("tenant"))
        .order_by(table.c.uuid)
        .with_for_update()
    )
    return keys, statement


async def _locked_rows(
    session: AsyncSession, kind: PullKind, tenant: uuid.UUID, listing_began: datetime
) -> tuple[list[PulledRow], list[PulledRow]]:
    """The tenant's rows of `kind`, row-locked (in uuid order, so that two pulls never
    deadlock): those not changed since the listing began, and those that were (fresh:
    left to the next pull)."""
    keys, statement = _reading(kind)
    # When the listing began on the database's clock: ours, moved by how long ago that
    # was on ours (the clocks of workers and database may disagree).
    elapsed = datetime.now(UTC) - listing_began
    found = await session.execute(statement, {"tenant": tenant, "elapsed": elapsed})
    rows: list[PulledRow] = []
    fresh: list[PulledRow] = []
    for row in found.all():
        (fresh if row[-1] else rows).append(PulledRow(keys, row[:-1]))
    return rows, fresh


async def _write(
    session: AsyncSession, kind: PullKind, rows: Sequence[PulledRow]
) -> dict[uuid.UUID, Any]:
    """Write the pulled columns of `rows` back, in one statement (`modified` follows);
    the whole records as they are now (not in the session: for their events)."""
    written = (*_MARKS, *kind.compared)
    return await update_records(
        session,
        kind.model,
        [{"uuid": row.uuid, **{name: getattr(row, name) for name in written}} for row in rows],
    )


async def compare_kind(
    session: AsyncSession,
    kind: PullKind,
    tenant: uuid.UUID,
    found: Sequence[Any],
    *,
    now: datetime,
    listing_began: datetime,
    settings: PullSettings,
) -> KindPull:
    """Compare `tenant`'s records of `kind` with `found` (listed from `listing_began`,
    on our clock); what differs is written, expired records deleted, and the events
    made (not yet published)."""
    rows, fresh = await _locked_rows(session, kind, tenant, listing_began)
    if fresh:
        fresh_ids = {row.backend_id for row in fresh if row.backend_id}
        found = [item for item in found if item.id not in fresh_ids]
    result = reconcile(
        rows,
        found,
        apply=kind.apply,
        now=now,
        grace=settings.grace,
        missing_message=kind.missing_message,
    )
    pull = KindPull(kind, {**result.counts(), "fresh": len(fresh), "stuck": 0})
    erred = await _end_stuck(session, kind, result.busy_records, now, settings)
    pull.counts["stuck"] = len(erred)
    announced = [*result.changed, *result.missing, *result.returned]
    records = await _write(session, kind, [*announced, *(row for row, _ in erred)])
    expired = [row.uuid for row in result.expired]
    records.update(await delete_records(session, kind.model, expired))
    for row in announced:
        pull.events.append(kind.event(kind.state_changed, records[row.uuid]))
    for row in result.expired:
        pull.events.append(kind.event(kind.deleted, records[row.uuid]))
    for row, order in erred:
        extra = {"order_result": "erred"} if order else {}
        pull.events.append(kind.event(kind.state_changed, records[row.uuid], order, **extra))
    return pull


async def _end_stuck(
    session: AsyncSession,
    kind: PullKind,
    busy: Sequence[PulledRow],
    now: datetime,
    settings: PullSettings,
) -> list[tuple[PulledRow, uuid.UUID | None]]:
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
