"""The gateway's upload path: a chunked image upload is refused (411) by nginx itself
rather than spooled to disk; every other body, chunked or not, passes as before."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest

from stackyard_cli.platform.gateway import write_gateway
from stackyard_common.settings import Settings
from stackyard_common.testing.platform import free_port_block
from stackyard_common.topology import SERVICES

NGINX = shutil.which("nginx")


class _Echo(BaseHTTPRequestHandler):
    """Every service: answers how much body it got and whether it came chunked."""

    def do_POST(self) -> None:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "")
        body = b""
        if chunked:
            while size := int(self.rfile.readline().strip(), 16):
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = f'{{"received": {len(body)}}}'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        """Keep the test's output free of the stand-in server's request log."""


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    # `make test` installs nginx; without it this test must fail, not vanish.
    assert NGINX is not None, "nginx is not installed: apt-get install nginx-light"
    base = free_port_block(len(SERVICES) + 2)
    settings = Settings.model_validate(
        {"ports": {"gateway": base, "emulator": base + 1, "service_base": base + 2}}
    )
    run_dir = tmp_path_factory.mktemp("gateway")
    run_dir.chmod(0o755)
    schema = run_dir / "openapi.json"
    schema.write_text("{}")
    images = next(i for i, spec in enumerate(SERVICES) if spec.name == "images")
    server = HTTPServer(("127.0.0.1", base + 2 + images), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = write_gateway(settings, run_dir, schema)
    process = subprocess.Popen([NGINX, "-c", str(config), "-g", "daemon off;"])
    try:
        _wait_for_port(base)
        with httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=10) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()


def _wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            threading.Event().wait(0.05)
    raise RuntimeError("the gateway did not start")


def _chunks() -> Iterator[bytes]:
    yield b"a" * 1000
    yield b"b" * 1000


@pytest.mark.parametrize(
    "prefix", ["/api/openstack-marketplace", "/api/openstack-marketplace-tenants"]
)
def test_a_chunked_image_upload_is_refused_at_the_gateway(
    gateway: httpx.Client, prefix: str
) -> None:
    path = f"{prefix}/8d0f4a8e-0d6c-4b53-9f5c-5b2a7f1f0c11/upload_image_data/abc/"
    refused = gateway.post(path, content=_chunks())
    assert refused.status_code == 411
    assert "Content-Length is required" in refused.json()["detail"]
    sized = gateway.post(path, content=b"c" * 2000)
    assert sized.json() == {"received": 2000}


def test_other_chunked_bodies_still_pass(gateway: httpx.Client) -> None:
    path = "/api/openstack-marketplace/8d0f4a8e-0d6c-4b53-9f5c-5b2a7f1f0c11/create_image/"
    assert gateway.post(path, content=_chunks()).json() == {"received": 2000}


def test_the_rule_is_in_the_rendered_configuration(tmp_path: Path) -> None:
    config = write_gateway(Settings(), tmp_path, tmp_path / "openapi.json").read_text()
    assert "upload_image_data" in config
    assert "return 411" in config
