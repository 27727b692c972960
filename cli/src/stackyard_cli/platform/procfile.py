"""The process list of a running platform, for honcho: the emulator, every service's API
and worker, and the gateway."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from stackyard_common.settings import Settings
from stackyard_common.topology import SERVICES

__all__ = ["processes", "write_procfile"]


def _bin(name: str) -> str:
    # Console scripts live beside the interpreter of the virtual environment.
    return str(Path(sys.executable).with_name(name))


def processes(settings: Settings, nginx: str, nginx_config: Path) -> dict[str, list[str]]:
    """Name → command line of every process of the platform."""
    ports = settings.ports
    procs: dict[str, list[str]] = {
        "emulator": [
            _bin("stackyard-emulator"),
            "--host",
            ports.host,
            "--port",
            str(ports.emulator),
            "--name",
            "cloud-a",
        ],
    }
    for spec in SERVICES:
        procs[spec.name] = [
            _bin("uvicorn"),
            f"{spec.package}.app:app",
            "--host",
            ports.host,
            "--port",
            str(ports.service(spec.name)),
            "--proxy-headers",
            "--forwarded-allow-ips",
            ports.host,
            "--no-access-log",
        ]
        procs[f"{spec.name}-worker"] = [_bin(f"stackyard-{spec.name}-worker")]
    procs["gateway"] = [
        nginx,
        "-p",
        str(nginx_config.parent),
        "-c",
        str(nginx_config),
        "-g",
        "daemon off;",
    ]
    return procs


def write_procfile(path: Path, procs: dict[str, list[str]]) -> Path:
    """Write `procs` as a Procfile at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{name}: {shlex.join(command)}\n" for name, command in procs.items()))
    return path
