"""How `stackyard tasks run` shows a summary and its progress."""

from __future__ import annotations

import io

from stackyard_cli.tasks.report import ProgressLine, summary_lines


def test_a_summary_reads_as_indented_lines() -> None:
    summary = {
        "tenants": 3,
        "changed_tenants": ["alpha", "beta"],
        "busy": [],
        "errors": {"gamma": "the tenant's project p-1 is gone"},
        "failed_clouds": {},
    }
    assert summary_lines(summary) == [
        "  tenants: 3",
        "  changed_tenants: alpha, beta",
        "  busy: none",
        "  errors:",
        "    gamma: the tenant's project p-1 is gone",
        "  failed_clouds: none",
    ]
    assert summary_lines(7) == ["  7"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_one_line_on_a_terminal_and_sparse_elsewhere() -> None:
    log = io.StringIO()
    progress = ProgressLine("pull-volumes (storage)", log, every=3600)
    for status, elapsed in (("queued", 0.0), ("in_progress", 0.3), ("in_progress", 0.6)):
        progress(status, elapsed)
    progress("complete", 0.9)
    assert log.getvalue().splitlines() == [
        "pull-volumes (storage): queued, 0 s",
        "pull-volumes (storage): in progress, 0 s",
        "pull-volumes (storage): complete, 1 s",
    ]

    terminal = _Terminal()
    live = ProgressLine("pull-volumes (storage)", terminal)
    live("in_progress", 12.0)
    live.end()
    assert terminal.getvalue() == "\rpull-volumes (storage): in progress, 12 s\033[K\r\033[K"
