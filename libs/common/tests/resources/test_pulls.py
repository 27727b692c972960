"""Reconciling records with a cloud listing: what a pull changes and what it leaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from stackyard_common.resources.pulls import changed_fields, reconcile, same_revision, stuck

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
GRACE = timedelta(hours=24)
GONE = "The server is gone from the cloud."


@dataclass
class Record:
    backend_id: str
    state: str = "OK"
    name: str = ""
    error_message: str = ""
    backend_missing_since: datetime | None = None
    modified: datetime = field(default_factory=lambda: NOW)


@dataclass
class Item:
    id: str
    name: str
    revision: str | None = None


def apply(record: Record, item: Item) -> bool:
    return changed_fields(record, {"name": item.name})


def run(records: list[Record], found: list[Item]):  # type: ignore[no-untyped-def]
    return reconcile(records, found, apply=apply, now=NOW, grace=GRACE, missing_message=GONE)


def test_settled_records_take_the_clouds_values() -> None:
    same, renamed = Record("a", name="a"), Record("b", name="old")
    result = run([same, renamed], [Item("a", "a"), Item("b", "new")])
    assert renamed.name == "new"
    assert result.changed == [renamed]
    assert result.unchanged == 1


def test_busy_records_are_left_to_the_work_in_flight() -> None:
    creating = Record("a", state="CREATING", name="mine")
    deleting = Record("b", state="DELETING")
    result = run([creating, deleting], [Item("a", "cloud's")])
    assert creating.name == "mine"
    assert deleting.state == "DELETING"
    assert deleting.backend_missing_since is None
    assert result.busy_records == [creating, deleting]
    assert not result.missing
    assert not result.unknown


def test_a_resource_gone_from_the_cloud_is_marked_not_deleted() -> None:
    record = Record("a")
    result = run([record], [])
    assert result.missing == [record]
    assert record.state == "ERRED"
    assert record.error_message == GONE
    assert record.backend_missing_since == NOW
    assert not result.expired


def test_a_marked_record_expires_only_after_the_grace_period() -> None:
    recent = Record("a", state="ERRED", backend_missing_since=NOW - GRACE + timedelta(minutes=1))
    old = Record("b", state="ERRED", backend_missing_since=NOW - GRACE)
    result = run([recent, old], [])
    assert result.expired == [old]
    assert recent.backend_missing_since == NOW - GRACE + timedelta(minutes=1)
    assert not result.missing


def test_a_resource_back_in_the_cloud_loses_its_mark() -> None:
    record = Record("a", state="ERRED", error_message=GONE, backend_missing_since=NOW)
    result = run([record], [Item("a", "back")])
    assert result.returned == [record]
    assert (record.state, record.error_message, record.backend_missing_since) == ("OK", "", None)
    assert record.name == "back"


def test_cloud_items_without_a_record_are_handed_back_not_created() -> None:
    result = run([Record("a")], [Item("a", ""), Item("lost", "x")])
    assert [item.id for item in result.unknown] == ["lost"]


def test_stuck_creations_are_the_old_ones_only() -> None:
    old = Record("", state="CREATING", modified=NOW - timedelta(hours=2))
    fresh = Record("", state="CREATION_SCHEDULED", modified=NOW - timedelta(minutes=5))
    deleting = Record("x", state="DELETING", modified=NOW - timedelta(days=2))
    result = run([old, fresh, deleting], [])
    assert stuck(result.busy_records, now=NOW, deadline=timedelta(hours=1)) == [old]


def test_items_at_their_records_passable_revision_are_passed_over() -> None:
    # "c" has no passable revision: busy, erred, missing or never marked by a pull.
    passable = {"a": "3", "b": "3", "c": None}
    found = [Item("a", "a", "3"), Item("b", "b", "4"), Item("c", "c", "3"), Item("g", "g", "1")]
    same, rest = same_revision(passable, found, revision=lambda item: item.revision)
    assert same == {"a"}
    assert [item.id for item in rest] == ["b", "c", "g"]


def test_an_unknown_revision_is_never_the_same() -> None:
    same, rest = same_revision({"a": "3"}, [Item("a", "a")], revision=lambda item: item.revision)
    assert same == set()
    assert [item.id for item in rest] == ["a"]
