"""CPU accounting for benchmarks on one machine: a process's CPU seconds from /proc, the
PostgreSQL backends of a database, and the seconds this process spent in Python's
garbage collector (counted from the moment this module is imported)."""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Cpu", "collector_seconds", "cpu_seconds", "postgres_backends"]


def cpu_seconds(pid: int | str) -> float:
    """CPU seconds (user and system) a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends(database: str) -> list[str]:
    """The PostgreSQL backends serving `database` on this machine (none when PostgreSQL
    runs elsewhere): their process titles name the database."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                found.append(entry.name)
    return found


class _Collector:
    """CPU seconds this process has spent in Python's garbage collector so far."""

    seconds = 0.0
    _started = 0.0

    @classmethod
    def watch(cls, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            cls._started = time.process_time()
        else:
            cls.seconds += time.process_time() - cls._started


gc.callbacks.append(_Collector.watch)


def collector_seconds() -> float:
    """CPU seconds this process has spent in its garbage collector so far."""
    return _Collector.seconds


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used by this process (of which in its garbage collector), the
    emulator and the run's PostgreSQL backends (None when not on this machine)."""

    bench: float
    collector: float
    emulator: float
    postgres: float | None

    def __sub__(self, other: Cpu) -> Cpu:
        postgres = None
        if self.postgres is not None and other.postgres is not None:
            postgres = self.postgres - other.postgres
        return Cpu(
            self.bench - other.bench,
            self.collector - other.collector,
            self.emulator - other.emulator,
            postgres,
        )

    def __str__(self) -> str:
        postgres = "n/a" if self.postgres is None else f"{self.postgres:.1f}"
        return f"{self.bench:.1f} (GC {self.collector:.1f}) + {self.emulator:.1f} + {postgres}"
