"""A whole running platform for system tests: `stackyard up` in a subprocess, on free
ports, inside an isolated environment, stopped (with every child) afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from stackyard_common.settings import Settings
from stackyard_common.testing.isolation import IsolatedEnvironment
from stackyard_common.topology import SERVICES

__all__ = ["RunningPlatform", "free_port_block", "running_platform"]


@dataclass(frozen=True, slots=True)
class RunningPlatform:
    """Where a started platform answers, and the settings its processes use."""

    settings: Settings
    variables: dict[str, str]
    run_dir: Path
    log_file: Path

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.ports.host}:{self.settings.ports.gateway}"

    @property
    def emulator_url(self) -> str:
        return f"http://{self.settings.ports.host}:{self.settings.ports.emulator}"

    def logs(self) -> str:
        """Everything the platform's processes printed so far."""
        return self.log_file.read_text(errors="replace")


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(size: int, start: int = 20000, end: int = 60000) -> int:
    """The first port of `size` consecutive free ports (random start, to avoid races)."""
    first = start + int.from_bytes(os.urandom(2), "big") % (end - start - size)
    for base in range(first, end - size, size):
        if all(_is_free(port) for port in range(base, base + size)):
            return base
    raise RuntimeError("no block of free ports")


@contextmanager
def running_platform(
    environment: IsolatedEnvironment, run_dir: Path, *, ready_timeout: float = 120
) -> Iterator[RunningPlatform]:
    """Start every process of the platform and wait until all services are ready.

    Raises `RuntimeError` with the platform's output when it is not ready in time.
    """
    base = free_port_block(len(SERVICES) + 2)
    variables = {
        **environment.variables,
        "STACKYARD_PORTS__GATEWAY": str(base),
        "STACKYARD_PORTS__EMULATOR": str(base + 1),
        "STACKYARD_PORTS__SERVICE_BASE": str(base + 2),
        "STACKYARD_LOGGING__JSON_OUTPUT": "true",
    }
    run_dir.mkdir(parents=True, exist_ok=True)
    log_file = run_dir / "platform.log"
    stackyard = str(Path(sys.executable).with_name("stackyard"))
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [stackyard, "up", "--run-dir", str(run_dir), "--ready-timeout", str(ready_timeout)],
            env={**os.environ, **variables},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    platform = RunningPlatform(
        IsolatedEnvironment(environment.run_id, variables).settings(), variables, run_dir, log_file
    )
    try:
        _wait_ready(platform, process, ready_timeout)
        yield platform
    finally:
        _stop(process)


def _wait_ready(
    platform: RunningPlatform, process: subprocess.Popen[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    pending = {spec.name for spec in SERVICES}
    with httpx.Client(base_url=platform.gateway_url, timeout=5) as client:
        while pending:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the platform exited ({process.returncode}):\n{platform.logs()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready in {timeout:g} s: {pending}\n{platform.logs()}")
            for name in sorted(pending):
                try:
                    if client.get(f"/api/{name}/readyz").status_code == 200:
                        pending.discard(name)
                except httpx.HTTPError:
                    pass  # not answering yet: asked again on the next round
            time.sleep(0.3)


def _stop(process: subprocess.Popen[bytes]) -> None:
    # Like Ctrl-C in a terminal: SIGINT to the whole process group.
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # anything left behind in the group
