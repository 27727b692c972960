"""How `stackyard tasks` shows things to people: the table of tasks, a job's summary as
indented `key: value` lines, and the progress line while a job runs."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TextIO

from stackyard_cli.tasks.catalogue import Catalogue
from stackyard_common.periods import describe_period

__all__ = ["ProgressLine", "summary_lines", "task_table"]


def task_table(found: Catalogue) -> list[str]:
    """One line per task (name, service, period, the override in effect), then what
    could not be read and the overrides that name no task."""
    rows = [("NAME", "SERVICE", "PERIOD", "OVERRIDE (STACKYARD_SCHEDULE)")]
    for task in found.tasks.values():
        override = "-"
        if task.override is not None:
            override = f"every {describe_period(timedelta(seconds=task.override))}"
        rows.append((task.name, task.service, task.declared.period, override))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, [*widths, 0], strict=True)).rstrip()
        for row in rows
    ]
    lines += [
        f"! {service}: its tasks could not be read: {why}"
        for service, why in found.unreadable.items()
    ]
    lines += [f"! STACKYARD_SCHEDULE names no task {name!r}" for name in found.unknown_overrides]
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value) if value else "none"
    return str(value)


def summary_lines(result: Any, indent: int = 2) -> list[str]:
    """A job's summary as people read it: a mapping as `key: value` lines (nested ones
    indented beneath their key, lists joined with commas), anything else as it prints."""
    pad = " " * indent
    if not isinstance(result, Mapping):
        return [f"{pad}{_scalar(result)}"]
    lines: list[str] = []
    for key, value in result.items():
        if isinstance(value, Mapping):
            lines.append(f"{pad}{key}:{'' if value else ' none'}")
            lines += summary_lines(value, indent + 2)
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


class ProgressLine:
    """The waiting job's status and time on stderr: one line rewritten in place on a
    terminal; elsewhere (logs, CI) a line when the status changes and every `every`
    seconds, so a long run shows it is alive without flooding."""

    def __init__(self, label: str, stream: TextIO | None = None, every: float = 15.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.every = every
        self.live = self.stream.isatty()
        self._last: tuple[str, float] | None = None

    def __call__(self, status: str, elapsed: float) -> None:
        text = f"{self.label}: {status.replace('_', ' ')}, {elapsed:.0f} s"
        if self.live:
            self.stream.write(f"\r{text}\033[K")
        elif (
            self._last is None
            or self._last[0] != status
            or time.monotonic() - self._last[1] >= self.every
        ):
            self.stream.write(text + "\n")
        else:
            return
        self._last = (status, time.monotonic())
        self.stream.flush()

    def end(self) -> None:
        """Leave the terminal's line to what is printed next."""
        if self.live and self._last is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()
