"""Benchmark of tenant provisioning: fifty tenants ordered at once, beside one.

Run: `.venv/bin/python tests/bench/bench_tenants.py [--tenants N] [--latency MS]`. It
starts a whole platform (`stackyard up`: emulator, every service and worker, gateway)
on an isolated environment of its own, adds `--latency` ms to every call the emulator
answers, and, through the gateway, as staff: orders one tenant and times it until its
order is done (tenant OK); then orders N tenants at once and times them until the last
order is done. Prints both, the ratio, the spread of the N, and the cloud calls made.
Target: N at once in under 3x the time of one.

The platform runs with the production database pools (5 + 10 per process), not the small
ones test runs use. Beside the times it prints the CPU seconds the platform's busiest
processes spent on the N, and the machine's load: on a small, shared machine the
platform's own processes compete for the same cores, and the figures say so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from stackyard_common.testing import IsolatedEnvironment, isolated_environment
from stackyard_common.testing.platform import RunningPlatform, running_platform

TIME_LIMIT = 600.0
PRODUCTION_POOLS = {"STACKYARD_DATABASE__POOL_SIZE": "5", "STACKYARD_DATABASE__MAX_OVERFLOW": "10"}


async def _staff(platform: RunningPlatform) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=platform.gateway_url, timeout=60)
    login = await client.post(
        "/api-auth/password/", json={"username": "admin", "password": "admin"}
    )
    login.raise_for_status()
    client.headers["Authorization"] = f"Token {login.json()['token']}"
    return client


async def _seeded_offering(client: httpx.AsyncClient) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = (await client.get("/api/marketplace-public-offerings/")).json()
        offering = next((o for o in found if o["name"] == "Emulated OpenStack"), None)
        if offering is not None:
            return offering
        await asyncio.sleep(0.5)
    raise RuntimeError("the platform did not seed its tenant offering")


async def _project(client: httpx.AsyncClient) -> str:
    customer = (await client.post("/api/customers/", json={"name": "Bench"})).json()
    project = await client.post(
        "/api/projects/", json={"name": "Bench", "customer": customer["uuid"]}
    )
    return str(project.json()["uuid"])


async def _order(
    client: httpx.AsyncClient, offering: dict[str, Any], project: str, index: int
) -> str:
    response = await client.post(
        "/api/marketplace-orders/",
        json={
            "offering": offering["uuid"],
            "project": project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 4, "ram": 8192, "storage": 51200},
            "attributes": {"name": f"bench-{index}-{uuid.uuid4().hex[:4]}"},
        },
    )
    if response.status_code != 201:
        raise RuntimeError(f"order refused: {response.text}")
    return str(response.json()["uuid"])


async def _until_done(
    client: httpx.AsyncClient, project: str, orders: list[str], started: float
) -> list[float]:
    """Seconds from `started` until each order was seen done: one list request per
    0.2 s, so that watching costs the platform little."""
    finished: dict[str, float] = {}
    wanted = set(orders)
    while len(finished) < len(orders):
        if time.monotonic() > started + TIME_LIMIT:
            raise RuntimeError(f"{len(orders) - len(finished)} orders still running")
        listed = await client.get(
            "/api/marketplace-orders/",
            params={"project_uuid": project, "state": ["done", "erred"], "page_size": 300},
        )
        now = time.monotonic() - started
        for order in listed.json():
            if order["uuid"] not in wanted or order["uuid"] in finished:
                continue
            if order["state"] == "erred":
                raise RuntimeError(f"order {order['uuid']} erred: {order['error_message']}")
            finished[order["uuid"]] = now
        await asyncio.sleep(0.2)
    return [finished[order] for order in orders]


async def _batch(
    client: httpx.AsyncClient, offering: dict[str, Any], project: str, count: int, first: int
) -> list[float]:
    started = time.monotonic()
    orders = await asyncio.gather(
        *(_order(client, offering, project, first + index) for index in range(count))
    )
    return await _until_done(client, project, list(orders), started)


def _cpu_seconds(run_id: str) -> dict[str, float]:
    """CPU seconds used so far by each process of the platform (found by its database
    name in its environment), by program name."""
    used: dict[str, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (
                f"STACKYARD_DATABASE__NAME={run_id}".encode()
                not in (entry / "environ").read_bytes()
            ):
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = next((Path(a.decode()).name for a in argv if b"stackyard" in a), argv[0].decode())
        if b"uvicorn" in argv[0] or any(a.endswith(b":app") for a in argv):
            name = next(a.decode().split(".")[0] for a in argv if a.endswith(b":app"))
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return used


async def bench(platform: RunningPlatform, tenants: int, latency: int) -> None:
    client = await _staff(platform)
    emulator = httpx.AsyncClient(base_url=platform.emulator_url, timeout=30)
    try:
        offering = await _seeded_offering(client)
        project = await _project(client)
        await _batch(client, offering, project, 1, 0)  # warm: tokens, caches, connections
        (await emulator.post("/_emulator/faults", json={"latency_ms": latency})).raise_for_status()
        await emulator.delete("/_emulator/counters")
        (one,) = await _batch(client, offering, project, 1, 1)
        calls_one = (await emulator.get("/_emulator/counters")).json()["total"]
        await emulator.delete("/_emulator/counters")
        run_id = platform.settings.database.name
        before = _cpu_seconds(run_id)
        many = await _batch(client, offering, project, tenants, 2)
        after = _cpu_seconds(run_id)
        calls_many = (await emulator.get("/_emulator/counters")).json()["total"]
    finally:
        await client.aclose()
        await emulator.aclose()
    slowest = max(many)
    print(f"cloud latency                {latency} ms on every call")
    print(f"1 tenant                     {one:6.2f} s   ({calls_one} cloud calls)")
    print(f"{tenants} tenants at once     {slowest:6.2f} s   ({calls_many} cloud calls)")
    print(
        f"  per tenant: first {min(many):.2f} s, median {statistics.median(many):.2f} s, "
        f"last {slowest:.2f} s"
    )
    spent = sorted(((after[name] - before.get(name, 0.0), name) for name in after), reverse=True)
    busiest = ", ".join(f"{name} {seconds:.1f}" for seconds, name in spent[:6])
    print(f"  CPU seconds of the platform's busiest processes meanwhile: {busiest}")
    print(f"  machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ratio = slowest / one
    verdict = "meets" if ratio < 3 else "misses"
    print(f"ratio                        {ratio:6.2f}x   ({verdict} the target of under 3x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--latency", type=int, default=50, help="ms added to every cloud call")
    args = parser.parse_args()
    with isolated_environment() as environment, tempfile.TemporaryDirectory() as scratch:
        run_dir = Path(scratch) / "platform"
        # The production defaults, not the small pools test runs use to share PostgreSQL.
        variables = {**environment.variables, **PRODUCTION_POOLS}
        platform_environment = IsolatedEnvironment(environment.run_id, variables)
        with running_platform(platform_environment, run_dir) as platform:
            asyncio.run(bench(platform, args.tenants, args.latency))


if __name__ == "__main__":
    sys.exit(main())
