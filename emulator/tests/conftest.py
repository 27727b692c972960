"""Start real emulators over HTTP (uvicorn in a background thread) for the whole session."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openstack
import pytest
import uvicorn

from stackyard_emulator import EmulatorConfig, create_app

DELAY = 0.05  # short, non-zero: tests see the transitional statuses and then the final ones


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    """An emulator serving on a port in this process."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def auth_url(self) -> str:
        return f"{self.url}/identity"

    def control(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/_emulator", timeout=30)

    def connect(
        self,
        username: str = "admin",
        password: str = "secret",  # noqa: S107 - the seeded admin password
        project_name: str = "admin",
    ) -> Any:
        return openstack.connection.Connection(
            auth_url=self.auth_url,
            username=username,
            password=password,
            project_name=project_name,
            user_domain_name="Default",
            project_domain_name="Default",
            region_name="RegionOne",
        )

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_emulator(name: str, image_dir: Path | None = None, **settings: Any) -> Running:
    """Serve a new emulated cloud on a free loopback port and wait until it answers."""
    port = free_port()
    config = EmulatorConfig(name=name, port=port, image_dir=image_dir, **settings)
    config.delays.set_all(DELAY)
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="error", access_log=False, lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, name=f"emulator-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the emulator did not start")
        time.sleep(0.02)
    return Running(f"http://127.0.0.1:{port}", server, thread)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The shared cloud of the test session (uploaded images kept on disk)."""
    running = start_emulator("cloud-a", image_dir=tmp_path_factory.mktemp("images"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def admin(emulator: Running) -> Any:
    """An openstacksdk connection as the seeded admin."""
    return emulator.connect()


@dataclass
class Tenant:
    """A fresh project with a member user and a connection as that user."""

    project_id: str
    project_name: str
    user_id: str
    username: str
    password: str
    conn: Any


@pytest.fixture
def tenant(emulator: Running, admin: Any) -> Tenant:
    """A new project and member user, so each test owns its resources and quotas."""
    suffix = uuid.uuid4().hex[:8]
    project = admin.identity.create_project(name=f"proj-{suffix}", domain_id="default")
    user = admin.identity.create_user(
        name=f"user-{suffix}",
        password="pw-" + suffix,
        domain_id="default",
        default_project_id=project.id,
    )
    member = admin.identity.find_role("member")
    admin.identity.assign_project_role_to_user(project, user, member)
    conn = emulator.connect(f"user-{suffix}", "pw-" + suffix, f"proj-{suffix}")
    return Tenant(project.id, project.name, user.id, user.name, "pw-" + suffix, conn)


def raw_token(
    running: Running,
    username: str = "admin",
    password: str = "secret",  # noqa: S107 - the seeded admin password
    project: str | None = "admin",
) -> tuple[str, dict[str, Any]]:
    """Issue a token over plain HTTP; returns the token and the body."""
    auth: dict[str, Any] = {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": username, "domain": {"name": "Default"}, "password": password}
            },
        }
    }
    if project is not None:
        auth["scope"] = {"project": {"name": project, "domain": {"name": "Default"}}}
    response = httpx.post(f"{running.auth_url}/v3/auth/tokens", json={"auth": auth}, timeout=30)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"], response.json()
