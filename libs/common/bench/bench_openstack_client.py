"""Benchmark of the OpenStack client against a local emulator.

Prints:
1. the token requests Keystone saw while 8 processes x 200 concurrent tasks made 1,000
   calls sharing one credential and one Redis token cache (target: 1);
2. the client's mean time per call against plain httpx with a fixed token on the same
   emulator endpoint (target: within 10 %).

Loopback only; starts its own emulator (or uses `--url`), deletes its Redis keys, and
stops within about two minutes. Run: `.venv/bin/python libs/common/bench/bench_openstack_client.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import structlog
from pydantic import SecretStr
from redis.asyncio import Redis

from stackyard_common.openstack import CloudConfig, OpenStackClient, RedisTokenCache
from stackyard_common.settings import RedisSettings
from stackyard_emulator.process import running_emulator

REDIS_URL = os.environ.get("STACKYARD_REDIS__URL", "redis://127.0.0.1:6379/0")


def _quiet() -> None:
    # Production logs calls at INFO through the stdlib; the benchmark measures the
    # client, not a terminal, so only warnings are rendered.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@contextmanager
def _emulator(url: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
        return
    with running_emulator(name="bench") as emulator:
        yield emulator.url


def _config(url: str) -> CloudConfig:
    return CloudConfig(
        name="bench",
        auth_url=f"{url}/identity/v3",
        username="admin",
        password=SecretStr("secret"),  # the seeded admin's
        project_name="admin",
        max_concurrency=50,
        timeout=30.0,
    )


def _reset_counters(url: str) -> None:
    httpx.delete(f"{url}/_emulator/counters", timeout=5).raise_for_status()


def _token_requests(url: str) -> int:
    """Keystone's count of token issues since the counters were reset."""
    response = httpx.get(f"{url}/_emulator/counters", timeout=5)
    response.raise_for_status()
    # Counters are per "<service> <METHOD> <route>", e.g. "identity POST /v3/auth/tokens".
    return sum(
        count
        for route, count in response.json()["counters"].items()
        if " POST " in route and route.endswith("/auth/tokens")
    )


# ----- part 1: token requests under contention ----------------------------------------


async def _worker_calls(
    url: str, redis_settings: RedisSettings, calls: int, tasks: int
) -> tuple[int, int]:
    redis: Redis = Redis.from_url(REDIS_URL)
    cache = RedisTokenCache(redis, redis_settings)
    remaining = calls
    async with OpenStackClient(_config(url), token_cache=cache) as cloud:

        async def task() -> int:
            nonlocal remaining
            done = 0
            while remaining > 0:
                remaining -= 1
                await cloud.compute.list_flavors()
                done += 1
            return done

        made = sum(await asyncio.gather(*(task() for _ in range(tasks))))
        issued = cloud.session.auth.token_requests
    await redis.aclose()
    return made, issued


def _process(url: str, prefix: str, calls: int, tasks: int, start: Any, results: Any) -> None:
    _quiet()
    settings = RedisSettings(url=SecretStr(REDIS_URL), key_prefix=prefix)
    start.wait()
    results.put(asyncio.run(_worker_calls(url, settings, calls, tasks)))


def contention(url: str, processes: int, tasks: int, calls: int) -> None:
    prefix = f"stackyard-bench-{secrets.token_hex(6)}"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results = context.Queue()
    shares = [calls // processes + (1 if i < calls % processes else 0) for i in range(processes)]
    _reset_counters(url)
    workers = [
        context.Process(target=_process, args=(url, prefix, share, tasks, start, results))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # let every process import before the starting gun
    began = time.perf_counter()
    start.set()
    outcomes = [results.get(timeout=90) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=10)
    counted = _token_requests(url)
    asyncio.run(_delete_keys(prefix))
    made = sum(m for m, _ in outcomes)
    by_clients = sum(i for _, i in outcomes)
    print(f"contention: {processes} processes x {tasks} tasks, {made} calls in {elapsed:.2f} s")
    print(f"  token requests counted by the emulator: {counted}   (target: 1)")
    print(f"  token requests made by the clients:     {by_clients}   (target: 1)")


async def _delete_keys(prefix: str) -> None:
    redis: Redis = Redis.from_url(REDIS_URL)
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


# ----- part 2: time per call ------------------------------------------------------------


async def _timing(url: str, calls: int) -> None:
    async with OpenStackClient(_config(url)) as cloud:
        token = (await cloud.session.auth.token()).value
        endpoint = await cloud.session.endpoint("compute")
        path = "/flavors/detail"
        async with httpx.AsyncClient(
            headers={"X-Auth-Token": token, "Accept": "application/json"}, timeout=30
        ) as plain:

            async def with_httpx() -> None:
                response = await plain.get(endpoint + path)
                response.raise_for_status()
                response.json()

            async def with_session() -> None:
                (await cloud.session.request("compute", "GET", path)).json()

            async def with_proxy() -> None:
                await cloud.compute.list_flavors()

            variants = {"plain httpx": with_httpx, "session": with_session, "proxy": with_proxy}
            samples: dict[str, list[float]] = {name: [] for name in variants}
            for call in variants.values():  # warm up connections and caches
                for _ in range(20):
                    await call()
            # Alternate the variants call by call so that drift and noise from other
            # processes on the machine hit them alike; compare medians.
            # The order rotates too: a call right after another can be slower or faster.
            order = list(variants.items())
            for index in range(calls):
                shift = index % len(order)
                for name, call in order[shift:] + order[:shift]:
                    began = time.perf_counter()
                    await call()
                    samples[name].append(time.perf_counter() - began)
    base = statistics.median(samples["plain httpx"])
    print(f"time per call, GET compute {path}, {calls} sequential calls each, median:")
    for name, values in samples.items():
        value = statistics.median(values)
        print(f"  {name:<12} {value * 1e6:8.0f} us/call   {100 * (value / base - 1):+6.1f} %")
    print("  (session: the client's raw call; proxy: the same with typed results; target: +10 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="use a running emulator instead of starting one")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--timed-calls", type=int, default=1000)
    args = parser.parse_args()
    _quiet()
    with _emulator(args.url) as url:
        contention(url, args.processes, args.tasks, args.calls)
        asyncio.run(_timing(url, args.timed_calls))


if __name__ == "__main__":
    main()
