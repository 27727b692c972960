"""A platform whose processes the test manages itself, one by one.

`stackyard up` runs every process under honcho, which stops them all when one exits:
right for `make run`, wrong for a test that kills one process and expects the others to
carry on. Here the platform is prepared exactly as `stackyard up` prepares it (database,
migrations, staff user, gateway, Procfile), then each Procfile line is started as a
process of its own, so a test can SIGKILL one and start it again.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from stackyard_cli.platform.up import prepare
from stackyard_common.testing import IsolatedEnvironment, isolated_environment
from stackyard_common.testing.platform import RunningPlatform, free_port_block
from stackyard_common.topology import SERVICES

REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass
class ManagedPlatform:
    """The platform, its process commands, and the processes running now."""

    running: RunningPlatform
    commands: dict[str, list[str]]
    log: IO[bytes]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """Start (or start again) the process `name` of the Procfile."""
        process = subprocess.Popen(
            self.commands[name],
            env={**os.environ, **self.running.variables},
            cwd=REPOSITORY,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the process `name`: no clean-up, no lease handed back."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def stop_all(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def _procfile(path: Path) -> dict[str, list[str]]:
    commands = {}
    for line in path.read_text().splitlines():
        name, _, command = line.partition(": ")
        commands[name] = shlex.split(command)
    return commands


def _wait_ready(platform: ManagedPlatform, services: set[str], timeout: float = 120) -> None:
    pending = set(services)
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=platform.running.gateway_url, timeout=5) as client:
        while pending:
            assert time.monotonic() < deadline, f"not ready: {pending}\n{platform.running.logs()}"
            for name in sorted(pending):
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"/api/{name}/readyz").status_code == 200:
                        pending.discard(name)
            time.sleep(0.3)


@contextmanager
def managed_platform(
    run_dir: Path, services: Collection[str] | None = None
) -> Iterator[ManagedPlatform]:
    """A platform on an environment of its own, each process started separately: every
    service, or only `services` (with their workers, the emulator and the gateway), so
    that a test that needs few does not hold PostgreSQL connections for all."""
    with isolated_environment() as environment:
        base = free_port_block(len(SERVICES) + 2)
        variables = {
            **environment.variables,
            "STACKYARD_PORTS__GATEWAY": str(base),
            "STACKYARD_PORTS__EMULATOR": str(base + 1),
            "STACKYARD_PORTS__SERVICE_BASE": str(base + 2),
            "STACKYARD_LOGGING__JSON_OUTPUT": "true",
        }
        settings = IsolatedEnvironment(environment.run_id, variables).settings()
        run_dir.mkdir(parents=True, exist_ok=True)
        procfile = prepare(settings, run_dir, echo=False)
        log_file = run_dir / "platform.log"
        running = RunningPlatform(settings, variables, run_dir, log_file)
        with log_file.open("ab") as log:
            platform = ManagedPlatform(running, _procfile(procfile), log)
            wanted = set(services) if services is not None else {s.name for s in SERVICES}
            try:
                for name in platform.commands:
                    if name.removesuffix("-worker") in wanted or name in ("emulator", "gateway"):
                        platform.start(name)
                _wait_ready(platform, wanted)
                yield platform
            finally:
                platform.stop_all()
