"""Benchmark one emulator process: load 10,000 servers and 50,000 ports, then measure.

Run: ``.venv/bin/python emulator/bench/bench_emulator.py`` (loopback only, about a minute).
Prints requests per second for token issue, server list pages and port create, and the
p50/p95 latency of list pages taken from deep inside the collections.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from stackyard_emulator.process import running_emulator


def token_body() -> dict[str, Any]:
    """A password auth request for the seeded admin."""
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": "admin", "domain": {"name": "Default"}, "password": "secret"}
                },
            },
            "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}},
        }
    }


def rate(
    name: str,
    call: Callable[[httpx.Client], None],
    base: str,
    headers: dict[str, str],
    seconds: float,
    workers: int,
) -> float:
    """Run ``call`` from ``workers`` threads for ``seconds``; print and return requests/s."""
    stop_at = time.monotonic() + seconds

    def worker() -> int:
        done = 0
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.monotonic() < stop_at:
                call(client)
                done += 1
        return done

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(lambda _: worker(), range(workers)))
    per_second = total / (time.monotonic() - started)
    print(f"{name:<40} {per_second:8.0f} req/s  ({total} requests, {workers} clients)")
    return per_second


def latencies(
    name: str, call: Callable[[httpx.Client], None], base: str, headers: dict[str, str], count: int
) -> None:
    """Time ``count`` sequential calls; print p50 and p95."""
    samples = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            call(client)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{name:<40} p50 {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms")


def main() -> None:
    """Start, load, measure, stop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--ports", type=int, default=50_000, help="total ports incl. servers'")
    parser.add_argument("--seconds", type=float, default=5.0, help="per rate measurement")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with running_emulator(name="bench", delay=0) as emulator:
        base = emulator.url
        issued = httpx.post(f"{base}/identity/v3/auth/tokens", json=token_body())
        token = issued.headers["X-Subject-Token"]
        project_id = issued.json()["token"]["project"]["id"]
        headers = {"X-Auth-Token": token}
        started = time.monotonic()
        loaded = httpx.post(
            f"{base}/_emulator/load",
            timeout=600,
            json={
                "project_id": project_id,
                "servers": args.servers,
                "ports": max(0, args.ports - args.servers),
            },
        ).json()
        print(
            f"loaded {loaded['servers']} servers and {args.ports} ports "
            f"in {time.monotonic() - started:.1f} s"
        )
        network_id = loaded["network_id"]
        page = httpx.get(
            f"{base}/compute/v2.1/servers?limit={args.servers // 2}", headers=headers, timeout=60
        ).json()["servers"]
        server_marker = page[-1]["id"]
        ports = httpx.get(
            f"{base}/network/v2.0/ports?limit={args.ports // 2}&fields=id",
            headers=headers,
            timeout=60,
        ).json()["ports"]
        port_marker = ports[-1]["id"]
        body = token_body()

        def issue(client: httpx.Client) -> None:
            assert client.post("/identity/v3/auth/tokens", json=body).status_code == 201

        def server_page(client: httpx.Client) -> None:
            response = client.get(
                "/compute/v2.1/servers/detail", params={"limit": 100, "marker": server_marker}
            )
            assert response.status_code == 200
            assert len(response.json()["servers"]) == 100

        def port_page(client: httpx.Client) -> None:
            response = client.get(
                "/network/v2.0/ports", params={"limit": 100, "marker": port_marker}
            )
            assert response.status_code == 200
            assert len(response.json()["ports"]) == 100

        def port_create(client: httpx.Client) -> None:
            response = client.post("/network/v2.0/ports", json={"port": {"network_id": network_id}})
            assert response.status_code == 201, response.text

        print(f"{'measurement':<40} {'result':>8}")
        rate("token issue (POST /v3/auth/tokens)", issue, base, {}, args.seconds, args.workers)
        rate(
            "server list (detail, 100 after marker)",
            server_page,
            base,
            headers,
            args.seconds,
            args.workers,
        )
        rate(
            "port create (POST /v2.0/ports)", port_create, base, headers, args.seconds, args.workers
        )
        latencies("server list page latency", server_page, base, headers, 200)
        latencies("port list page latency", port_page, base, headers, 200)


if __name__ == "__main__":
    main()
