"""Clock helpers: every service formats timestamps its own way."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def iso_z(moment: datetime | None = None) -> str:
    """``2024-01-02T03:04:05Z`` as Nova, Neutron and Glance write it."""
    return (moment or utcnow()).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro(moment: datetime | None = None) -> str:
    """``2024-01-02T03:04:05.000000`` as Cinder writes it (naive UTC)."""
    return (moment or utcnow()).strftime("%Y-%m-%dT%H:%M:%S.%f")


def iso_micro_z(moment: datetime | None = None) -> str:
    """``2024-01-02T03:04:05.000000Z`` as Keystone writes token times."""
    return (moment or utcnow()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def monotonic() -> float:
    """Seconds on a clock that never goes back; used for transition deadlines."""
    return time.monotonic()
