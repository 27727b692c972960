"""Scale: 10,000 servers and 50,000 ports, and a list page still costs milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import Running, raw_token, start_emulator

SERVERS = 10_000
PORTS = 50_000


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[Running, str, str]]:
    running = start_emulator("big")
    token, body = raw_token(running)
    project_id = body["token"]["project"]["id"]
    with running.control() as control:
        loaded = control.post(
            "/load",
            json={"project_id": project_id, "servers": SERVERS, "ports": PORTS - SERVERS},
            timeout=300,
        )
        assert loaded.status_code == 201
    yield running, token, project_id
    running.stop()


def _median_ms(client: httpx.Client, url: str, params: dict[str, str | int]) -> float:
    samples = []
    for _ in range(7):
        started = time.perf_counter()
        response = client.get(url, params=params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def test_deep_pages_are_cheap_and_continuous(big: tuple[Running, str, str]) -> None:
    running, token, _ = big
    with httpx.Client(base_url=running.url, headers={"X-Auth-Token": token}, timeout=120) as client:
        ids = [
            s["id"]
            for s in client.get("/compute/v2.1/servers", params={"limit": 1000}).json()["servers"]
        ]
        # Nova caps an unbounded page at 1000 and links to the next one.
        assert len(ids) == 1000
        first_half = client.get("/compute/v2.1/servers", params={"limit": 5000}).json()
        marker = first_half["servers"][-1]["id"]
        page = client.get(
            "/compute/v2.1/servers/detail", params={"limit": 100, "marker": marker}
        ).json()["servers"]
        assert len(page) == 100
        following = client.get(
            "/compute/v2.1/servers",
            params={"limit": 101, "marker": first_half["servers"][-2]["id"]},
        )
        assert [s["id"] for s in following.json()["servers"]][1:] == [s["id"] for s in page]
        server_ms = _median_ms(
            client, "/compute/v2.1/servers/detail", {"limit": 100, "marker": marker}
        )
        ports = client.get("/network/v2.0/ports", params={"limit": 25_000, "fields": "id"})
        port_marker = ports.json()["ports"][-1]["id"]
        port_ms = _median_ms(client, "/network/v2.0/ports", {"limit": 100, "marker": port_marker})
        total = client.get("/network/v2.0/ports", params={"fields": "id"}).json()["ports"]
        assert len(total) == PORTS
    # Generous bounds for a shared two-core machine; a full scan would take far longer.
    assert server_ms < 250, server_ms
    assert port_ms < 250, port_ms


def test_create_stays_fast_at_scale(big: tuple[Running, str, str]) -> None:
    running, token, _ = big
    with httpx.Client(base_url=running.url, headers={"X-Auth-Token": token}, timeout=60) as client:
        network_id = client.get("/network/v2.0/networks", params={"name": "bulk-net"}).json()[
            "networks"
        ][0]["id"]
        started = time.perf_counter()
        for _ in range(50):
            response = client.post("/network/v2.0/ports", json={"port": {"network_id": network_id}})
            assert response.status_code == 201
        per_port_ms = (time.perf_counter() - started) * 1000 / 50
    assert per_port_ms < 100, per_port_ms
