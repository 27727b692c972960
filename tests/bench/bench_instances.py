"""Benchmark of instance provisioning: a hundred instances ordered at once across ten
tenants, on a cloud that answers every call 50 ms late.

Run: `.venv/bin/python tests/bench/bench_instances.py [--tenants 10] [--per-tenant 10]
[--latency 50] [--max-concurrent 4]`. It starts a whole platform (`stackyard up`) on an
isolated environment of its own, orders the tenants on the seeded offering (without
latency), then adds `--latency` ms to every call the emulator answers and, through the
gateway as staff, orders all the instances at once on the tenants' private
`OpenStack.Instance` offerings. Each instance gets a system volume (from cirros) and a
port; all tenants share one cloud, so `MAX_CONCURRENT_PROVISION` (`--max-concurrent`)
bounds the whole run. Prints the throughput and the p50 / p95 time from the order to
the instance's OK, and the cloud calls made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

TIME_LIMIT = 1800.0
PRODUCTION_POOLS = {"STACKYARD_DATABASE__POOL_SIZE": "5", "STACKYARD_DATABASE__MAX_OVERFLOW": "10"}


async def _staff(platform: RunningPlatform) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=platform.gateway_url, timeout=60)
    login = await client.post(
        "/api-auth/password/", json={"username": "admin", "password": "admin"}
    )
    login.raise_for_status()
    client.headers["Authorization"] = f"Token {login.json()['token']}"
    return client


async def _eventually(what: str, probe: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.5)
    raise RuntimeError(f"timed out waiting for {what}")


async def _tenants(client: httpx.AsyncClient, count: int) -> tuple[str, list[str]]:
    """A project with `count` provisioned tenants; their uuids."""

    async def seeded() -> dict[str, Any] | None:
        found = (await client.get("/api/marketplace-public-offerings/")).json()
        return next((o for o in found if o["name"] == "Emulated OpenStack"), None)

    offering = await _eventually("the seeded tenant offering", seeded)
    customer = (await client.post("/api/customers/", json={"name": "Bench"})).json()
    project = (
        await client.post("/api/projects/", json={"name": "Bench", "customer": customer["uuid"]})
    ).json()["uuid"]
    orders = []
    for index in range(count):
        response = await client.post(
            "/api/marketplace-orders/",
            json={
                "offering": offering["uuid"],
                "project": project,
                "plan": offering["plans"][0]["uuid"],
                "limits": {"cores": 64, "ram": 131072, "storage": 1048576},
                "attributes": {
                    "name": f"bench-{index}-{uuid.uuid4().hex[:4]}",
                    "subnet_cidr": f"10.{100 + index}.0.0/24",
                },
            },
        )
        response.raise_for_status()
        orders.append(response.json())
    tenants = []
    for order in orders:

        async def done(order: dict[str, Any] = order) -> dict[str, Any] | None:
            found = (await client.get(f"/api/marketplace-orders/{order['uuid']}/")).json()
            if found["state"] == "erred":
                raise RuntimeError(f"tenant order erred: {found['error_message']}")
            return found if found["state"] == "done" else None

        finished = await _eventually("the tenants", done, timeout=300)
        resource = (
            await client.get(f"/api/marketplace-resources/{finished['marketplace_resource_uuid']}/")
        ).json()
        tenants.append(str(resource["scope"]).rstrip("/").rsplit("/", 1)[-1])
    return project, tenants


async def _instance_offering(client: httpx.AsyncClient, tenant: str) -> dict[str, Any]:
    async def ready() -> dict[str, Any] | None:
        flavors = (await client.get(f"/api/openstack-flavors/?tenant_uuid={tenant}")).json()
        offerings = (
            await client.get(f"/api/marketplace-public-offerings/?scope_uuid={tenant}")
        ).json()
        instance = next((o for o in offerings if o["type"] == "OpenStack.Instance"), None)
        return instance if flavors else None

    found: dict[str, Any] = await _eventually("the tenant's instance offering", ready)
    return found


async def _order_instance(
    client: httpx.AsyncClient, offering: dict[str, Any], project: str, name: str
) -> None:
    response = await client.post(
        "/api/marketplace-orders/",
        json={
            "offering": offering["uuid"],
            "project": project,
            "attributes": {
                "name": name,
                "flavor": "m1.tiny",
                "image": "cirros-0.6.2-x86_64-disk",
                "system_volume_size": 1024,
                "ports": [{}],
            },
        },
    )
    if response.status_code != 201:
        raise RuntimeError(f"instance order refused: {response.text}")


async def _until_ok(client: httpx.AsyncClient, names: set[str], started: float) -> list[float]:
    """Seconds from `started` until each instance was seen OK (one list a second)."""
    finished: dict[str, float] = {}
    while len(finished) < len(names):
        if time.monotonic() > started + TIME_LIMIT:
            raise RuntimeError(f"{len(names) - len(finished)} instances still provisioning")
        listed = (
            await client.get("/api/openstack-instances/", params={"page_size": 300, "state": "OK"})
        ).json()
        now = time.monotonic() - started
        for instance in listed:
            if instance["name"] in names and instance["name"] not in finished:
                finished[instance["name"]] = now
        erred = (await client.get("/api/openstack-instances/", params={"state": "ERRED"})).json()
        if erred:
            raise RuntimeError(f"instance erred: {erred[0]['error_message']}")
        await asyncio.sleep(1.0)
    return sorted(finished.values())


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def bench(platform: RunningPlatform, tenants: int, per_tenant: int, latency: int) -> None:
    client = await _staff(platform)
    emulator = httpx.AsyncClient(base_url=platform.emulator_url, timeout=30)
    try:
        project, made = await _tenants(client, tenants)
        offerings = [await _instance_offering(client, tenant) for tenant in made]
        (await emulator.post("/_emulator/faults", json={"latency_ms": latency})).raise_for_status()
        await emulator.delete("/_emulator/counters")
        names = {f"vm-{t}-{i}" for t in range(tenants) for i in range(per_tenant)}
        started = time.monotonic()
        await asyncio.gather(
            *(
                _order_instance(client, offerings[int(name.split("-")[1])], project, name)
                for name in sorted(names)
            )
        )
        ordered = time.monotonic() - started
        times = await _until_ok(client, names, started)
        calls = (await emulator.get("/_emulator/counters")).json()["total"]
    finally:
        await client.aclose()
        await emulator.aclose()
    total = len(times)
    wall = max(times)
    print(f"cloud latency            {latency} ms on every call")
    print(f"instances                {total} across {tenants} tenants (one cloud)")
    print(f"orders placed in         {ordered:6.2f} s")
    print(f"all OK after             {wall:6.2f} s")
    print(f"throughput               {total / wall * 60:6.1f} instances per minute")
    print(
        f"time to OK               p50 {_percentile(times, 0.5):6.2f} s   "
        f"p95 {_percentile(times, 0.95):6.2f} s   (first {min(times):.2f} s)"
    )
    print(
        f"  mean {statistics.mean(times):.2f} s; {calls} cloud calls, "
        f"{calls / total:.0f} per instance"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--per-tenant", type=int, default=10)
    parser.add_argument("--latency", type=int, default=50, help="ms added to every cloud call")
    parser.add_argument("--max-concurrent", type=int, default=4, help="MAX_CONCURRENT_PROVISION")
    args = parser.parse_args()
    limits = {"OpenStack.Instance": args.max_concurrent}
    with isolated_environment() as environment, tempfile.TemporaryDirectory() as scratch:
        variables = {
            **environment.variables,
            **PRODUCTION_POOLS,
            "STACKYARD_OPENSTACK__MAX_CONCURRENT_PROVISION": json.dumps(limits),
        }
        platform_environment = IsolatedEnvironment(environment.run_id, variables)
        with running_platform(platform_environment, Path(scratch) / "platform") as platform:
            print(f"MAX_CONCURRENT_PROVISION {json.dumps(limits)}")
            asyncio.run(bench(platform, args.tenants, args.per_tenant, args.latency))


if __name__ == "__main__":
    sys.exit(main())
