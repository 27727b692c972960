"""`stackyard up`: everything `make run` does after installing, in order.

Check the dependencies, prepare the database, migrate every service, make the staff
user, render the gateway and the merged OpenAPI document, then run every process under
honcho until Ctrl-C, announcing the URLs once every service is ready.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from stackyard_cli.platform.gateway import write_gateway
from stackyard_cli.platform.openapi import merged_openapi
from stackyard_cli.platform.preflight import check_dependencies, find_nginx
from stackyard_cli.platform.procfile import processes, write_procfile
from stackyard_cli.platform.readiness import gateway_url, wait_until_ready
from stackyard_common.dbadmin import bootstrap_database, migrate_all
from stackyard_common.settings import Environment, Settings
from stackyard_identity.bootstrap import ensure_staff_user
from stackyard_marketplace.seed import ensure_emulator_offering

__all__ = ["AdminCredentials", "PlatformError", "prepare", "run"]

DEFAULT_ADMIN = ("admin", "admin")


class PlatformError(Exception):
    """The platform cannot start; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    username: str
    password: str

    @property
    def is_default(self) -> bool:
        return (self.username, self.password) == DEFAULT_ADMIN

    @classmethod
    def from_environment(cls, settings: Settings) -> AdminCredentials:
        """From STACKYARD_ADMIN_USERNAME / _PASSWORD; `admin`/`admin` only in development."""
        credentials = cls(
            os.environ.get("STACKYARD_ADMIN_USERNAME", DEFAULT_ADMIN[0]),
            os.environ.get("STACKYARD_ADMIN_PASSWORD", DEFAULT_ADMIN[1]),
        )
        if credentials.is_default and settings.environment is Environment.PRODUCTION:
            raise PlatformError(
                "the default admin/admin staff user is allowed only in development: "
                "set STACKYARD_ADMIN_USERNAME and STACKYARD_ADMIN_PASSWORD"
            )
        return credentials


def prepare(settings: Settings, run_dir: Path, *, echo: bool = True) -> Path:
    """Everything before the processes start; returns the Procfile to run."""

    def say(line: str) -> None:
        if echo:
            print(line, flush=True)

    dependencies = asyncio.run(check_dependencies(settings))
    missing = [dep for dep in dependencies if not dep.ok]
    if missing:
        lines = [f"  {dep.name}: {dep.detail}\n    {dep.remedy}" for dep in missing]
        raise PlatformError("missing dependencies:\n" + "\n".join(lines))
    admin = AdminCredentials.from_environment(settings)

    async def database() -> None:
        for line in await bootstrap_database(settings):
            say(f"database: {line}")
        await migrate_all(settings)
        say("database: every service migrated to its newest revision")
        result = await ensure_staff_user(settings, admin.username, admin.password)
        say(f"staff user {result.username}: {'created' if result.created else 'present'}")

    asyncio.run(database())
    schema_file = run_dir / "openapi.json"
    run_dir.mkdir(parents=True, exist_ok=True)
    schema_file.write_text(json.dumps(merged_openapi(), indent=1))
    nginx = find_nginx()
    assert nginx is not None  # checked above
    config = write_gateway(settings, run_dir / "gateway", schema_file)
    procfile = write_procfile(run_dir / "Procfile", processes(settings, nginx, config))
    say(f"gateway: {config}; processes: {procfile}")
    return procfile


def _announce(settings: Settings, admin: AdminCredentials, timeout: float) -> None:
    statuses = asyncio.run(wait_until_ready(settings, timeout))
    url = gateway_url(settings)
    if all(status == 200 for status in statuses.values()):
        note = " (development default, never for production)" if admin.is_default else ""
        try:
            # A ready OpenStack.Tenant offering on the emulator: order a tenant at once.
            offering = asyncio.run(
                ensure_emulator_offering(settings, admin.username, admin.password)
            )
            seeded = f"{offering['name']} ({offering['uuid']})"
        except Exception as error:  # the platform runs; only the convenience is missing
            seeded = f"not made: {error}"
        print(
            f"\nStackyard is ready.\n"
            f"  API gateway     {url}/api/\n"
            f"  OpenAPI         {url}/api/schema/\n"
            f"  readiness       {url}/api/<service>/readyz\n"
            f"  emulator cloud  http://{settings.ports.host}:{settings.ports.emulator}/identity/v3\n"
            f"  tenant offering {seeded}\n"
            f"  staff user      {admin.username} / {admin.password}{note}\n"
            f"Press Ctrl-C to stop everything.\n",
            flush=True,
        )
    else:
        waiting = ", ".join(
            f"{name} ({status})" for name, status in statuses.items() if status != 200
        )
        print(f"\nNot ready after {timeout:g} s: {waiting}\n", file=sys.stderr, flush=True)


def run(settings: Settings, run_dir: Path, ready_timeout: float) -> int:
    """Prepare, then run every process until Ctrl-C; returns honcho's exit code."""
    procfile = prepare(settings, run_dir)
    admin = AdminCredentials.from_environment(settings)
    honcho = str(Path(sys.executable).with_name("honcho"))
    child = subprocess.Popen([honcho, "start", "-f", str(procfile), "-d", str(Path.cwd())])
    threading.Thread(target=_announce, args=(settings, admin, ready_timeout), daemon=True).start()
    try:
        return child.wait()
    except KeyboardInterrupt:
        # honcho got the same SIGINT from the terminal and is stopping every process.
        child.send_signal(signal.SIGINT)
        return child.wait()
