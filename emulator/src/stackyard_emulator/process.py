"""The emulator as a process of its own on a free port, for benchmarks and tests that
want it over real HTTP.

```python
with running_emulator(name="bench", delay=0) as emulator:
    httpx.get(f"{emulator.url}/identity/v3")
```
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

__all__ = ["EmulatorProcess", "free_port", "running_emulator"]


@dataclass(frozen=True, slots=True)
class EmulatorProcess:
    """A running emulator: where it answers and its process id."""

    url: str
    pid: int


def free_port() -> int:
    """A local port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_emulator(
    *,
    name: str,
    delay: float | None = None,
    image_dir: Path | None = None,
    timeout: float = 30.0,
) -> Iterator[EmulatorProcess]:
    """`stackyard-emulator --name name` on a free local port (every status transition
    taking `delay` seconds, uploaded image bytes kept under `image_dir` when given),
    once Keystone answers; stopped on exit. Raises RuntimeError, with the end of what it
    printed, when it exits early or does not answer within `timeout` seconds."""
    port = free_port()
    command = [sys.executable, "-m", "stackyard_emulator", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--name", name]
    if delay is not None:
        command += ["--delay", str(delay)]
    if image_dir is not None:
        command += ["--image-dir", str(image_dir)]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(process, url, timeout, errors)
            yield EmulatorProcess(url, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(
    process: subprocess.Popen[bytes], url: str, timeout: float, errors: IO[bytes]
) -> None:
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        try:
            ready = httpx.get(f"{url}/identity/v3", timeout=1).status_code == 200
        except httpx.TransportError:
            ready = False  # not listening yet
        if ready:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the emulator did not answer within {timeout:.0f} s")
        time.sleep(0.1)
    errors.seek(0)
    printed = errors.read().decode(errors="replace")[-2000:]
    raise RuntimeError(f"the emulator exited with {process.returncode}: {printed}")
