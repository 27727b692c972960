"""Periods of periodic jobs: which ones line up with the clock, the arq cron fields that
run them, and how to say them. Free of arq, so that settings can check a schedule
(`STACKYARD_SCHEDULE`) when they load, long before a worker starts.

A period lines up when it divides a minute, an hour or a day evenly (15 s, 10 min, 2 h,
12 h, 1 day): every worker of a service then runs the job at the same instants (:00,
:10, ...), whenever each one started, which is what lets arq run each tick only once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

__all__ = ["clock_fields", "describe_period"]

MINUTE, HOUR, DAY = 60, 3600, 86400


def _whole_seconds(every: timedelta) -> int:
    seconds = every.total_seconds()
    if seconds <= 0 or seconds != int(seconds):
        raise ValueError(f"period {every} must be a positive whole number of seconds")
    return int(seconds)


def clock_fields(every: timedelta) -> dict[str, Any]:
    """arq's cron fields (`second`, `minute`, `hour`) that run a job every `every`,
    aligned to the clock; `ValueError` when `every` does not divide a minute, an hour or
    a day evenly."""
    whole = _whole_seconds(every)
    for unit, span, field, finer in (
        (1, MINUTE, "second", ()),
        (MINUTE, HOUR, "minute", ("second",)),
        (HOUR, DAY, "hour", ("minute", "second")),
    ):
        if whole < span and whole % unit == 0 and span % whole == 0:
            step = whole // unit
            return {field: set(range(0, span // unit, step)), **dict.fromkeys(finer, 0)}
    if whole == DAY:
        return {"hour": 0, "minute": 0, "second": 0}
    raise ValueError(f"period {every} does not divide a minute, an hour or a day evenly")


def describe_period(every: timedelta) -> str:
    """A period as people write it: `15s`, `10min`, `2h`, `1d` (the largest whole unit)."""
    whole = _whole_seconds(every)
    for size, unit in ((DAY, "d"), (HOUR, "h"), (MINUTE, "min")):
        if whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{whole}s"
