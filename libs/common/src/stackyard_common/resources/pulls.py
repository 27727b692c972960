"""Bulk pulls: one cloud listing of a kind compared with its records in one pass.

A pull never touches a record that a saga or action is working on (its state is busy);
it brings settled records to the cloud's values, marks those the cloud no longer has
(`backend_missing_since`, ERRED with a message) and hands back, for the caller to act
on, the records missing for longer than the grace period (to delete), the busy records
(to check for stuck ones) and the cloud's items that have no record (for the
lost-resource recovery; a pull never makes records).

```python
result = reconcile(records, servers, apply=apply_server, now=now, grace=grace,
                   missing_message="The server is gone from the cloud.")
for record in result.missing: ...  # publish state_changed (ERRED)
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import ColumnElement, DateTime, String, case, null
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.resources.records import BUSY_STATES, ResourceState

__all__ = [
    "CREATING_STATES",
    "MissingMark",
    "PullSettings",
    "PulledRecord",
    "Reconciliation",
    "RevisionMark",
    "backend_key",
    "changed_fields",
    "passable_revision",
    "pull_settings",
    "reconcile",
    "same_revision",
    "stuck",
]

CREATING_STATES = frozenset({ResourceState.CREATION_SCHEDULED.value, ResourceState.CREATING.value})


class MissingMark:
    """When a pull first found the record's resource gone from the cloud (None while
    the cloud has it)."""

    backend_missing_since: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None, nullable=True
    )


class RevisionMark:
    """The cloud's revision of the resource (Neutron's `revision_number`, say) as the
    pull that last wrote the record read it, beside the values the record took from
    that revision.

    Every other write clears it (`onupdate`): a saga, an action or a staff edit may leave
    values the revision does not describe. A pull may therefore pass over a settled
    record whose stored revision equals the listed one without comparing its values;
    None means: compare in full. Only pulls set it, in the same statement as the values.
    """

    backend_revision: Mapped[str | None] = mapped_column(
        String(64), default=None, nullable=True, onupdate=null()
    )


class PulledRecord(Protocol):
    """What `reconcile` reads and writes on a record."""

    backend_id: str
    state: str
    error_message: str
    backend_missing_since: datetime | None
    modified: datetime


class PullSettings(BaseSettings):
    """How pulls treat resources gone from the cloud and creations that never end, from
    the `STACKYARD_OPENSTACK__*` variables the OpenStack plugin shares across services.

        STACKYARD_OPENSTACK__MISSING_GRACE_PERIOD   seconds a record stays, marked, after
                                                    its resource left the cloud (24 h)
        STACKYARD_OPENSTACK__CREATING_DEADLINE      seconds a creation may stay in flight
                                                    before a pull ends it ERRED (1 h)
    """

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_OPENSTACK__", env_nested_delimiter="__", extra="ignore"
    )

    missing_grace_period: float = Field(default=24 * 3600.0, ge=0)
    creating_deadline: float = Field(default=3600.0, gt=0)

    @property
    def grace(self) -> timedelta:
        return timedelta(seconds=self.missing_grace_period)

    @property
    def deadline(self) -> timedelta:
        return timedelta(seconds=self.creating_deadline)


@lru_cache(maxsize=1)
def pull_settings() -> PullSettings:
    """The process's pull settings, read once from the environment."""
    return PullSettings()


R = TypeVar("R", bound=PulledRecord)
Item = TypeVar("Item")


def backend_key(item: Any) -> str:
    """A cloud item's id, by which records (`backend_id`) are matched with it."""
    return str(item.id)


@dataclass
class Reconciliation(Generic[R, Item]):
    """What one pass found, record by record (the records are already changed)."""

    changed: list[R] = field(default_factory=list)
    missing: list[R] = field(default_factory=list)
    returned: list[R] = field(default_factory=list)
    expired: list[R] = field(default_factory=list)
    busy_records: list[R] = field(default_factory=list)
    unknown: list[Item] = field(default_factory=list)
    unchanged: int = 0

    @property
    def busy(self) -> int:
        return len(self.busy_records)

    def counts(self) -> dict[str, int]:
        """The pass in numbers, for a task's summary."""
        return {
            "changed": len(self.changed),
            "missing": len(self.missing),
            "returned": len(self.returned),
            "expired": len(self.expired),
            "busy": self.busy,
            "unknown": len(self.unknown),
            "unchanged": self.unchanged,
        }


def reconcile(
    records: Iterable[R],
    found: Iterable[Item],
    *,
    apply: Callable[[R, Item], bool],
    now: datetime,
    grace: timedelta,
    missing_message: str,
    key: Callable[[Item], str] = backend_key,
) -> Reconciliation[R, Item]:
    """Compare `records` with the cloud's `found` items by backend id, in one pass.

    Busy records are left alone. A settled record whose item is found takes the cloud's
    values through `apply` (True when something changed); one that was marked missing
    loses the mark and is OK again. A settled record whose item is not found is marked
    missing now (ERRED, `missing_message`) or, marked longer than `grace` ago, expires.
    Records without a backend id are not the cloud's yet: only listed when busy.
    """
    result: Reconciliation[R, Item] = Reconciliation()
    by_id: dict[str, R] = {}
    for record in records:
        if record.state in BUSY_STATES:
            result.busy_records.append(record)
        if record.backend_id:
            by_id[record.backend_id] = record
    for item in found:
        match = by_id.pop(key(item), None)
        if match is None:
            result.unknown.append(item)
            continue
        record = match
        if record.state in BUSY_STATES:
            continue
        if record.backend_missing_since is not None:
            record.backend_missing_since = None
            record.state = ResourceState.OK.value
            record.error_message = ""
            apply(record, item)
            result.returned.append(record)
        elif apply(record, item):
            result.changed.append(record)
        else:
            result.unchanged += 1
    for record in by_id.values():
        if record.state in BUSY_STATES:
            continue
        if record.backend_missing_since is None:
            record.backend_missing_since = now
            record.state = ResourceState.ERRED.value
            record.error_message = missing_message
            result.missing.append(record)
        elif now - record.backend_missing_since >= grace:
            result.expired.append(record)
    return result


def passable_revision(table: Any) -> ColumnElement[str | None]:
    """The record's revision mark (`RevisionMark`) where a pull may pass the record over
    by it, NULL elsewhere: a pull passes over only records that are OK and not marked
    missing, so busy, erred and missing records are always compared. A column of
    `table` (a model's table with revision marks), to read beside the marks' keys."""
    settled = (table.c.state == ResourceState.OK.value) & table.c.backend_missing_since.is_(None)
    return case((settled, table.c.backend_revision), else_=null())


def same_revision(
    passable: Mapping[str, str | None],
    found: Iterable[Item],
    *,
    revision: Callable[[Item], str | None],
    key: Callable[[Item], str] = backend_key,
) -> tuple[set[str], list[Item]]:
    """The backend ids of the records a pull may pass over, and the items still to
    compare.

    `passable` maps backend ids to the records' `passable_revision`. An item whose
    `revision` equals its record's is passed over; everything else goes to `reconcile`
    as before: busy, erred and missing records (no passable revision), records without
    a revision, items without a record, items of unknown revision (None: never the
    same). Plain values in, so that a tenant's hundreds of marks cost no more than a
    dictionary lookup each.
    """
    same: set[str] = set()
    rest: list[Item] = []
    for item in found:
        backend_id = key(item)
        mark = passable.get(backend_id)
        if mark is not None and mark == revision(item):
            same.add(backend_id)
        else:
            rest.append(item)
    return same, rest


def stuck(records: Iterable[R], *, now: datetime, deadline: timedelta) -> list[R]:
    """The records still being created although last changed more than `deadline` ago.

    The caller must make sure no live saga holds one before ending it ERRED.
    """
    return [
        record
        for record in records
        if record.state in CREATING_STATES and now - record.modified >= deadline
    ]


def changed_fields(record: Any, values: dict[str, Any]) -> bool:
    """Set `values` on `record`; True when any differed (for `apply` functions)."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed
