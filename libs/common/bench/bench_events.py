"""Benchmark of events: outbox -> relay -> RabbitMQ -> consumer with inbox, beside raw
aio-pika publish (with confirms) and consume of as many messages on the same broker.

Run: `.venv/bin/python libs/common/bench/bench_events.py [--events N] [--rate R]
[--sustained-rate S]`. It makes its own isolated environment (database, vhost, Redis db)
and removes it after. Events are written in transactions of `--batch` by this process;
the relay and the consumer run in processes of their own, as the services' workers do.
The outbox path runs twice: offered `--rate` per second (more than it carries: its
capacity) and offered `--sustained-rate` (1,000/s: its latency at the target's rate).
Latency is from the writer's commit to the handler's call (wall clock, one machine).
Prints throughput and p50/p99 latency of each run and of the raw path, and PASS or FAIL
per target: at least 1,000 events/s, p99 under 250 ms at 1,000/s, and at least 30% of
the raw rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aio_pika
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.events import ConsumerRunner, Envelope, Relay, consumer, publish_many
from stackyard_common.settings import Settings, get_settings
from stackyard_common.testing import isolated_environment

SERVICE = "network"
TIME_LIMIT = 300.0


@dataclass
class Result:
    name: str
    count: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def line(self) -> str:
        cuts = statistics.quantiles(self.latencies, n=100)
        return (
            f"{self.name:<28} {self.count:>7} msgs  {self.rate:>9.0f} msg/s  "
            f"p50 {cuts[49] * 1000:>7.1f} ms  p99 {cuts[98] * 1000:>7.1f} ms"
        )


async def run_relay(settings: Settings) -> None:
    """Role `relay`: the publishing service's worker, relaying its outbox until killed."""
    database = Database(settings, SERVICE)
    await Relay(settings, database, batch_size=500, poll_interval=0.5).run()


async def run_consumer(settings: Settings, total: int, out: Path) -> None:
    """Role `consumer`: another service's worker; records (batch, wall time) of each
    handled event to `out`, and exits when it has seen `total`."""
    database = Database(settings, SERVICE)
    seen: list[tuple[int, float]] = []
    finished = asyncio.Event()

    @consumer("bench", ["bench.#"])
    async def handle(envelope: Envelope, session: AsyncSession) -> None:
        seen.append((envelope.payload["batch"], time.time()))
        if len(seen) >= total:
            finished.set()

    runner = ConsumerRunner(settings, database, [handle])
    task = asyncio.create_task(runner.run())
    await asyncio.wait_for(runner.ready.wait(), timeout=30)
    print("ready", flush=True)
    await asyncio.wait_for(finished.wait(), timeout=TIME_LIMIT)
    await asyncio.to_thread(out.write_text, json.dumps(seen))
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _spawn(role: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--role", role, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )


async def bench_outbox(settings: Settings, total: int, rate: float, batch: int) -> Result:
    """Writer here; the relay and the consumer each in a process of their own, as the
    services' workers are."""
    database = Database(settings, SERVICE)
    committed: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "consumed.json"
        consumer_process = _spawn("consumer", "--events", str(total), "--out", str(out))
        relay_process = _spawn("relay")
        try:
            assert consumer_process.stdout is not None
            line = await asyncio.to_thread(consumer_process.stdout.readline)
            assert line.strip() == "ready", line
            started = time.perf_counter()
            for index in range(total // batch):
                due = started + index * batch / rate
                if (wait := due - time.perf_counter()) > 0:
                    await asyncio.sleep(wait)
                async with database.session() as session:
                    await publish_many(
                        session,
                        [
                            Envelope(type="bench.tick.v1", source=SERVICE, payload={"batch": index})
                            for _ in range(batch)
                        ],
                    )
                committed[index] = time.time()
            code = await asyncio.to_thread(consumer_process.wait, TIME_LIMIT)
            assert code == 0, f"consumer exited with {code}"
            seen = json.loads(out.read_text())
        finally:
            for process in (relay_process, consumer_process):
                if process.poll() is None:
                    process.terminate()
                    await asyncio.to_thread(process.wait, 30)
            await database.dispose()
    latencies = [at - committed[index] for index, at in seen]
    seconds = max(at for _, at in seen) - (min(committed.values()))
    return Result("outbox -> relay -> inbox", len(seen), seconds, latencies)


async def bench_raw(settings: Settings, total: int, window: int = 500) -> Result:
    connection = await aio_pika.connect(settings.amqp.url.get_secret_value())
    latencies: list[float] = []
    finished = asyncio.Event()
    async with connection:
        publisher = await connection.channel(publisher_confirms=True)
        reader = await connection.channel()
        await reader.set_qos(prefetch_count=64)
        exchange = await publisher.declare_exchange(
            "bench.raw", aio_pika.ExchangeType.TOPIC, auto_delete=True
        )
        queue = await reader.declare_queue("bench.raw", durable=True, auto_delete=True)
        await queue.bind("bench.raw", "bench.#")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            latencies.append(time.perf_counter() - float(message.body))
            await message.ack()
            if len(latencies) >= total:
                finished.set()

        await queue.consume(on_message)
        started = time.perf_counter()
        in_flight = asyncio.Semaphore(window)

        async def send() -> None:
            async with in_flight:
                await exchange.publish(
                    aio_pika.Message(
                        str(time.perf_counter()).encode(),
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    "bench.tick",
                    mandatory=True,
                )

        await asyncio.gather(*(send() for _ in range(total)))
        await asyncio.wait_for(finished.wait(), timeout=TIME_LIMIT)
        seconds = time.perf_counter() - started
    return Result("raw aio-pika (confirms)", len(latencies), seconds, latencies)


async def main(settings: Settings, args: argparse.Namespace) -> None:
    # Two runs of the outbox path: flat out (what it can carry, against the raw rate),
    # then at the target's sustained rate (latency there: a saturated path's latency is
    # only how long its queue has grown).
    capacity = await bench_outbox(settings, args.events, args.rate, args.batch)
    sustained = await bench_outbox(settings, args.events, args.sustained_rate, args.batch)
    raw = await bench_raw(settings, args.events)
    print(f"events: {args.events} per run, in transactions of {args.batch}")
    print(f"offered {args.rate:.0f}/s:  {capacity.line()}")
    print(f"offered {args.sustained_rate:.0f}/s:  {sustained.line()}")
    print(f"raw path:       {raw.line()}")
    share = capacity.rate / raw.rate
    p99 = statistics.quantiles(sustained.latencies, n=100)[98]
    checks = [
        (f"at least 1,000 events/s (flat out: {capacity.rate:.0f}/s)", capacity.rate >= 1000),
        (
            f"p99 under 250 ms at {args.sustained_rate:.0f}/s ({p99 * 1000:.0f} ms, "
            f"{sustained.rate:.0f}/s sustained)",
            p99 < 0.25 and sustained.rate >= 0.98 * args.sustained_rate,
        ),
        (f"at least 30% of the raw rate ({share:.0%})", share >= 0.3),
    ]
    for text, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


def cli() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=2_500.0, help="flat-out run's offer")
    parser.add_argument(
        "--sustained-rate", type=float, default=1_000.0, help="latency run's offered rate"
    )
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--role", choices=["main", "relay", "consumer"], default="main")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.role == "relay":
        asyncio.run(run_relay(get_settings()))
        return
    if args.role == "consumer":
        asyncio.run(run_consumer(get_settings(), args.events, args.out))
        return
    with isolated_environment() as environment:
        os.environ.update(environment.variables)
        asyncio.run(main(environment.settings(), args))


if __name__ == "__main__":
    cli()
