"""Fixtures of the system tests: one running platform per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackyard_common.testing import IsolatedEnvironment
from stackyard_common.testing.platform import RunningPlatform, running_platform

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def platform(platform_env: IsolatedEnvironment) -> Iterator[RunningPlatform]:
    # Under the repository rather than pytest's private (0700) tmp: the gateway's nginx
    # workers run as `nobody` when started by root and must read and write there.
    run_dir = REPOSITORY / "var" / "test" / platform_env.run_id
    try:
        with running_platform(platform_env, run_dir) as running:
            yield running
    finally:
        # Kept for whoever reads a failure: everything the platform's processes printed.
        log = run_dir / "platform.log"
        if log.exists():
            shutil.copy(log, REPOSITORY / "var" / "test" / "last-platform.log")
        shutil.rmtree(run_dir, ignore_errors=True)
