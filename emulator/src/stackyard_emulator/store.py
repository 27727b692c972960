"""In-memory tables that stay fast at tens of thousands of rows.

A :class:`Table` keeps records by id and, per project, their creation order as a
sorted list of sequence numbers. A page after a marker is a bisect plus the page
itself, so listing never walks rows that are not returned.

Records are plain dicts in (or close to) their wire format. Keys starting with
``_`` are internal and never serialised. A record may carry a pending transition
(:func:`schedule`); it settles lazily the first time the record is read after its
deadline, which keeps status changes deterministic and free of timers. A
transition may remove its own record from its table (a delete that takes a
while): reads then no longer find it.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from itertools import count
from typing import Any

from .timeutil import monotonic

Record = dict[str, Any]
Transition = Callable[[Record], None]


def schedule(record: Record, delay: float, then: Transition) -> None:
    """Run ``then(record)`` the first time ``record`` is read ``delay`` seconds from now."""
    record["_due"] = monotonic() + delay
    record["_then"] = then


def cancel(record: Record) -> None:
    """Drop a pending transition (an action replaced it)."""
    record.pop("_due", None)
    record.pop("_then", None)


def settle(record: Record) -> Record:
    """Apply every transition of ``record`` whose deadline has passed; return it."""
    while "_then" in record and record["_due"] <= monotonic():
        then: Transition = record.pop("_then")
        record.pop("_due")
        then(record)
    return record


def public(record: Record) -> Record:
    """A shallow copy without internal keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


class _Order:
    """Sequence numbers in creation order, with their ids."""

    __slots__ = ("ids", "seqs")

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.ids: dict[int, str] = {}

    def add(self, seq: int, rid: str) -> None:
        # Sequence numbers only grow, so appending keeps the list sorted.
        self.seqs.append(seq)
        self.ids[seq] = rid

    def remove(self, seq: int) -> None:
        pos = bisect_left(self.seqs, seq)
        if pos < len(self.seqs) and self.seqs[pos] == seq:
            del self.seqs[pos]
        self.ids.pop(seq, None)

    def walk(self, after: int | None, newest_first: bool) -> Iterator[str]:
        # Positions are found again by sequence number after every yield: the
        # consumer may settle a record whose transition removes it from the list.
        seqs = self.seqs
        if newest_first:
            i = (len(seqs) if after is None else bisect_left(seqs, after)) - 1
            while 0 <= i < len(seqs):
                seq = seqs[i]
                yield self.ids[seq]
                i = bisect_left(seqs, seq) - 1
        else:
            i = 0 if after is None else bisect_right(seqs, after)
            while i < len(seqs):
                seq = seqs[i]
                yield self.ids[seq]
                i = bisect_right(seqs, seq)


class Table:
    """Records of one kind: by id, in creation order, and per owning project."""

    def __init__(self) -> None:
        self._rows: dict[str, Record] = {}
        self._seq: dict[str, int] = {}
        self._owner: dict[str, str] = {}
        self._all = _Order()
        self._projects: dict[str, _Order] = {}
        self._counter = count(1)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, rid: object) -> bool:
        return rid in self._rows

    def insert(self, record: Record, project_id: str = "") -> Record:
        """Add ``record`` (keyed by its ``id``) owned by ``project_id``."""
        rid = str(record["id"])
        seq = next(self._counter)
        self._rows[rid] = record
        self._seq[rid] = seq
        self._owner[rid] = project_id
        self._all.add(seq, rid)
        self._projects.setdefault(project_id, _Order()).add(seq, rid)
        return record

    def get(self, rid: str) -> Record | None:
        """The settled record with id ``rid``, or ``None`` (also when settling removed it)."""
        record = self._rows.get(rid)
        if record is not None and "_then" in record:
            settle(record)
            return self._rows.get(rid)
        return record

    def remove(self, rid: str) -> Record | None:
        """Delete and return the record (``None`` when already gone)."""
        record = self._rows.pop(rid, None)
        if record is None:
            return None
        seq = self._seq.pop(rid)
        owner = self._owner.pop(rid)
        self._all.remove(seq)
        order = self._projects.get(owner)
        if order is not None:
            order.remove(seq)
            if not order.seqs:
                del self._projects[owner]
        return record

    def reown(self, rid: str, project_id: str) -> None:
        """Move a record to another project's index (keeping its place in time)."""
        old = self._owner.get(rid)
        if old is None or old == project_id:
            return
        seq = self._seq[rid]
        order = self._projects.get(old)
        if order is not None:
            order.remove(seq)
            if not order.seqs:
                del self._projects[old]
        target = self._projects.setdefault(project_id, _Order())
        insort(target.seqs, seq)
        target.ids[seq] = rid
        self._owner[rid] = project_id

    def owner(self, rid: str) -> str | None:
        """The project that owns ``rid``."""
        return self._owner.get(rid)

    def count(self, project_id: str) -> int:
        """How many records ``project_id`` owns (O(1))."""
        order = self._projects.get(project_id)
        return len(order.seqs) if order else 0

    def projects(self) -> list[str]:
        """Every project that owns at least one record."""
        return list(self._projects)

    def clear(self) -> None:
        """Forget every record."""
        self.__init__()  # type: ignore[misc]

    def has_marker(self, rid: str) -> bool:
        """Whether ``rid`` can serve as a pagination marker."""
        return rid in self._seq

    def scan(
        self,
        project_ids: Iterable[str] | None = None,
        *,
        newest_first: bool = False,
        marker: str | None = None,
    ) -> Iterator[Record]:
        """Settled records in creation order (or newest first), after ``marker``.

        With ``project_ids`` only those projects' records are walked (merged in
        order); otherwise every record.
        """
        after = self._seq.get(marker) if marker is not None else None
        if project_ids is None:
            ids: Iterable[str] = self._all.walk(after, newest_first)
        else:
            orders = [self._projects[p] for p in dict.fromkeys(project_ids) if p in self._projects]
            if not orders:
                return
            if len(orders) == 1:
                ids = orders[0].walk(after, newest_first)
            else:
                ids = self._merge(orders, after, newest_first)
        for rid in ids:
            record = self._rows.get(rid)
            if record is not None and "_then" in record:
                settle(record)
                record = self._rows.get(rid)
            if record is not None:
                yield record

    def _merge(self, orders: list[_Order], after: int | None, newest_first: bool) -> Iterator[str]:
        def keyed(order: _Order) -> Iterator[tuple[int, str]]:
            for rid in order.walk(after, newest_first):
                seq = self._seq.get(rid)
                if seq is not None:
                    yield (-seq if newest_first else seq, rid)

        for _, rid in heapq.merge(*(keyed(o) for o in orders)):
            yield rid

    def values(self, project_id: str | None = None) -> Iterator[Record]:
        """Every settled record (of one project), oldest first."""
        return self.scan(None if project_id is None else [project_id])
