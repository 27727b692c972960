"""Benchmark of the pulls: a hundred tenants holding 10,000 servers, 10,000 volumes and
30,000 ports pulled from the emulator, beside the bare list calls alone.

Run: `.venv/bin/python tests/bench/bench_pulls.py [--tenants 100] [--concurrency 8]
[--rounds 5] [--profile FILE]`. Target: the pulls in under 1.5x the time of the list
calls they make, and in under 60 s.

It starts `stackyard-emulator` (every transition instant) as a process of its own and an
isolated environment (its own database, every schema migrated). Per tenant: a Keystone
project with a member user, as identity's provisioning makes them (not the cloud's admin:
Neutron lists every project's ports to an admin), bulk-loaded with 100 servers (a port
each), 200 further ports and 100 volumes; the tenant's projection row in
the compute, storage and network schemas, as identity's events would write it. Records
come into existence the platform's way: the lost-instance and lost-volume recoveries and
a first network pull, per tenant. After compute's settling margin has passed, each round
changes the cloud a little behind the platform's back (per tenant: a server and a volume
deleted, a server and a port renamed, a volume grown: six differences to find), then times

  (a) the bare list calls: per tenant the listings the three pulls make (servers in
      detail; volumes and snapshots in detail, together; networks, subnets, routers,
      ports, security groups and floating IPs, one after the other), the three services'
      listings of one tenant side by side;
  (b) the pulls: per tenant `pull_tenant_instances`, `pull_tenant_volumes` and
      `pull_tenant_network` side by side, each in a session of its own, committed;

with `--concurrency` tenants at a time in both. Prints the median of the rounds (five
by default: on a shared machine one round's two phases can differ by a third), the
ratio, the records compared, the differences found (and the events written), the CPU
seconds each phase cost this process (of which in Python's garbage collector), the
emulator and PostgreSQL, the machine load, and PASS or FAIL against the targets. The
emulator and this process (cloud client and database work alike) share the machine's
cores with PostgreSQL and with whoever else works on it: the load printed says how busy
it was. `--profile FILE` writes a cProfile of one more pull phase (after the rounds) and
prints its costliest functions. Everything it made goes with it: the emulator is
stopped and the isolated environment removed, on failure too. The tenants, clouds and
changes it works with are in `pulls_world.py`, its CPU accounting in `cpu_accounting.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import structlog
from cpu_accounting import Cpu
from pulls_world import (
    SERVICES,
    BenchClouds,
    BenchTenant,
    Platform,
    change,
    in_session,
    make_tenant,
    recover,
)
from sqlalchemy import text

from stackyard_common.db import Database
from stackyard_common.settings import Settings
from stackyard_common.testing import IsolatedEnvironment, isolated_environment
from stackyard_common.worker import settle_process
from stackyard_compute.instances.pull import SETTLING, pull_tenant_instances
from stackyard_emulator.process import EmulatorProcess, running_emulator
from stackyard_network.pulls.tenant import pull_tenant_network
from stackyard_storage.pulls.tenant import pull_tenant_volumes

RATIO_TARGET = 1.5
SECONDS_TARGET = 60.0
DIFFERENCES_PER_TENANT = 6  # see `pulls_world.change`
RECORD_TABLES = {
    "compute": ("instances",),
    "storage": ("volumes", "snapshots"),
    "network": (
        "networks",
        "subnets",
        "routers",
        "ports",
        "security_groups",
        "security_group_rules",
        "floating_ips",
    ),
}

CPU_PARTS = "(this process (in its GC) + emulator + PostgreSQL)"

T = TypeVar("T")


def _quiet() -> None:
    # The pulls log what they find at INFO and the client every call: the benchmark
    # measures them, not a terminal.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger().setLevel(logging.WARNING)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


async def _lists(platform: Platform, tenant: BenchTenant) -> int:
    """The list calls the three pulls make for the tenant, with the same concurrency;
    the items listed."""
    client = await platform.clouds.client(tenant.record.uuid)
    project = tenant.record.backend_id

    async def compute() -> int:
        return len(await client.compute.list_servers())

    async def storage() -> int:
        volumes, snapshots = await asyncio.gather(
            client.volume.list_volumes(), client.volume.list_snapshots()
        )
        return len(volumes) + len(snapshots)

    async def network() -> int:
        cloud = client.network
        listed = len(await cloud.list_networks(project_id=project))
        listed += len(await cloud.list_subnets())
        listed += len(await cloud.list_routers(project_id=project))
        listed += len(await cloud.list_ports())
        listed += len(await cloud.list_security_groups(project_id=project))
        listed += len(await cloud.list_floating_ips(project_id=project))
        return listed

    return sum(await asyncio.gather(compute(), storage(), network()))


def _differences(service: str, counts: Mapping[str, Any]) -> int:
    """What a pull's counts say it found different (created, changed, gone, ...)."""
    if service == "network":
        return sum(
            kind[name]
            for kind in counts.values()
            for name in ("created", "updated", "missing", "returned", "deleted")
        )
    kinds = counts.values() if service == "storage" else [counts]
    return sum(
        kind[name]
        for kind in kinds
        for name in ("changed", "missing", "returned", "expired", "stuck")
    )


async def _pulls(platform: Platform, tenant: BenchTenant) -> dict[str, int]:
    """The three pulls of the tenant side by side, each in a session of its own,
    committed; the differences each found."""
    clouds, record, databases = platform.clouds, tenant.record, platform.databases
    found = await asyncio.gather(
        in_session(databases["compute"], lambda s: pull_tenant_instances(s, clouds, record)),
        in_session(databases["storage"], lambda s: pull_tenant_volumes(s, clouds, record)),
        in_session(databases["network"], lambda s: pull_tenant_network(s, clouds, record)),
    )
    return {
        service: _differences(service, counts)
        for service, counts in zip(SERVICES, found, strict=True)
    }


async def _rows(platform: Platform, tables: Mapping[str, tuple[str, ...]]) -> int:
    total = 0
    for service, names in tables.items():
        async with platform.databases[service].session() as session:
            for name in names:
                total += int(await session.scalar(text(f"SELECT count(*) FROM {name}")) or 0)  # noqa: S608
    return total


async def _records(platform: Platform) -> int:
    """The records the pulls compare with the cloud (rules come with their groups)."""
    return await _rows(platform, RECORD_TABLES)


async def _events(platform: Platform) -> int:
    return await _rows(platform, {service: ("outbox",) for service in SERVICES})


@dataclass
class Round:
    lists: float
    pulls: float
    listed: int
    compared: int
    differences: dict[str, int]
    events: int
    load: str
    lists_cpu: Cpu
    pulls_cpu: Cpu

    @property
    def ratio(self) -> float:
        return self.pulls / self.lists


async def _round(platform: Platform, tenants: list[BenchTenant], number: int) -> Round:
    await platform.each(tenants, lambda tenant: change(platform, tenant, number))
    cpu, started = platform.cpu(), time.perf_counter()
    listed = await platform.each(tenants, lambda tenant: _lists(platform, tenant))
    lists, lists_cpu = time.perf_counter() - started, platform.cpu() - cpu
    compared = await _records(platform)
    events = await _events(platform)
    cpu, started = platform.cpu(), time.perf_counter()
    found = await platform.each(tenants, lambda tenant: _pulls(platform, tenant))
    pulls, pulls_cpu = time.perf_counter() - started, platform.cpu() - cpu
    differences = {service: sum(tenant[service] for tenant in found) for service in SERVICES}
    events = await _events(platform) - events
    return Round(
        lists, pulls, sum(listed), compared, differences, events, _load(), lists_cpu, pulls_cpu
    )


async def _setup(platform: Platform, args: argparse.Namespace) -> list[BenchTenant]:
    sizes = {"servers": args.servers, "ports": args.ports, "volumes": args.volumes}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=platform.clouds.url) as control:
        tenants = [
            await make_tenant(platform, control, index, sizes) for index in range(args.tenants)
        ]
    servers, volumes = args.tenants * args.servers, args.tenants * args.volumes
    ports = args.tenants * (args.servers + args.ports)
    print(
        f"cloud        {args.tenants} tenants: {servers} servers, {volumes} volumes, "
        f"{ports} ports, loaded in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    made = await platform.each(tenants, lambda tenant: recover(platform, tenant))
    recovered_at = time.monotonic()
    instances, records, network = (sum(column) for column in zip(*made, strict=True))
    print(
        f"records      {instances} instances and {records} volumes recovered, {network} network "
        f"records pulled, in {time.perf_counter() - started:.1f} s"
    )
    # A warm-up pass of each phase: connections, statement caches; and a check that a
    # cloud nobody changed shows the pulls no difference.
    await platform.each(tenants, lambda tenant: _lists(platform, tenant))
    idle = await platform.each(tenants, lambda tenant: _pulls(platform, tenant))
    unchanged = sum(sum(found.values()) for found in idle)
    print(f"warm-up      a pull of the unchanged cloud found {unchanged} differences")
    # Records changed less than SETTLING before a listing are left to the next pull.
    wait = SETTLING.total_seconds() + 2 - (time.monotonic() - recovered_at)
    if wait > 0:
        print(f"waiting      {wait:.0f} s: compute's settling margin after the recovery")
        await asyncio.sleep(wait)
    return tenants


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def bench(settings: Settings, emulator: EmulatorProcess, args: argparse.Namespace) -> None:
    clouds = BenchClouds.create(emulator.url)
    databases = {service: Database(settings, service) for service in SERVICES}
    platform = Platform(settings, clouds, databases, args.concurrency, emulator.pid)
    settle_process()  # as a worker does once it has started
    try:
        tenants = await _setup(platform, args)
        rounds: list[Round] = []
        for number in range(args.rounds):
            done = await _round(platform, tenants, number)
            rounds.append(done)
            print(
                f"round {number + 1}      lists {done.lists:6.2f} s   pulls {done.pulls:6.2f} s   "
                f"{done.ratio:4.2f}x   {sum(done.differences.values())} differences   "
                f"{done.load}"
            )
            print(f"             CPU s {CPU_PARTS}: lists {done.lists_cpu}, pulls {done.pulls_cpu}")
        if args.profile:
            await _profile(platform, tenants, args.rounds, args.profile)
    finally:
        await clouds.aclose()
        for database in databases.values():
            await database.dispose()
    _report(rounds, args)


async def _profile(platform: Platform, tenants: list[BenchTenant], number: int, path: str) -> None:
    await platform.each(tenants, lambda tenant: change(platform, tenant, number))
    profiler = cProfile.Profile()
    profiler.enable()
    await platform.each(tenants, lambda tenant: _pulls(platform, tenant))
    profiler.disable()
    profiler.dump_stats(path)
    print(f"profile      of one more pull phase written to {path}; costliest:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def _report(rounds: list[Round], args: argparse.Namespace) -> None:
    lists = statistics.median(r.lists for r in rounds)
    pulls = statistics.median(r.pulls for r in rounds)
    ratio = statistics.median(r.ratio for r in rounds)
    last = rounds[-1]
    expected = DIFFERENCES_PER_TENANT * args.tenants
    per_service = ", ".join(f"{service} {count}" for service, count in last.differences.items())
    print(f"--- median of {len(rounds)} rounds, {args.concurrency} tenants at a time")
    print(f"bare lists   {lists:6.2f} s   ({last.listed} cloud items listed)")
    print(f"pulls        {pulls:6.2f} s   ({last.compared} records compared)")
    print(
        f"differences  {sum(last.differences.values())} of {expected} made in the cloud "
        f"({per_service}); {last.events} events written"
    )
    for phase in ("lists", "pulls"):
        spent = [getattr(r, f"{phase}_cpu") for r in rounds]
        median = Cpu(
            statistics.median(c.bench for c in spent),
            statistics.median(c.collector for c in spent),
            statistics.median(c.emulator for c in spent),
            None
            if any(c.postgres is None for c in spent)
            else statistics.median(c.postgres for c in spent if c.postgres is not None),
        )
        print(f"CPU {phase}    {median} s {CPU_PARTS}")
    print(f"machine      {_load()}")
    verdict = _verdict(ratio < RATIO_TARGET)
    print(f"ratio        {ratio:6.2f}x   {verdict} (target under {RATIO_TARGET}x)")
    verdict = _verdict(pulls < SECONDS_TARGET)
    print(f"time         {pulls:6.2f} s   {verdict} (target under {SECONDS_TARGET:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--servers", type=int, default=100, help="per tenant (a port each)")
    parser.add_argument("--volumes", type=int, default=100, help="per tenant")
    parser.add_argument("--ports", type=int, default=200, help="further ports per tenant")
    parser.add_argument("--concurrency", type=int, default=8, help="tenants at a time")
    parser.add_argument("--rounds", type=int, default=5, help="measurements, median printed")
    parser.add_argument("--profile", metavar="FILE", help="cProfile one more pull phase")
    args = parser.parse_args()
    if args.servers < 2 * (args.rounds + 1) or args.volumes < 2 * (args.rounds + 1):
        parser.error("each round deletes and renames two servers and volumes per tenant")
    _quiet()
    print(f"machine      {_load()}")
    with (
        isolated_environment() as environment,
        running_emulator(name="bench-pulls", delay=0) as emulator,
    ):
        pools = {
            "STACKYARD_DATABASE__POOL_SIZE": str(args.concurrency),
            "STACKYARD_DATABASE__MAX_OVERFLOW": "2",
        }
        variables = {**environment.variables, **pools}
        os.environ.update(variables)  # for anything that reads the settings itself
        settings = IsolatedEnvironment(environment.run_id, variables).settings()
        asyncio.run(bench(settings, emulator, args))


if __name__ == "__main__":
    main()
