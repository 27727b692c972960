"""The storage service's arq worker: its consumers, sagas, periodic jobs and runtime."""

from __future__ import annotations

from typing import Any

from arq import run_worker

from stackyard_common.auth import memberships_consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.tenants import tenants_consumer
from stackyard_common.worker import worker_settings
from stackyard_storage.backups.sagas import SAGAS as BACKUP_SAGAS
from stackyard_storage.common.expiry import EXPIRE_COPIES
from stackyard_storage.common.runtime import RUNTIME_KEY, StorageRuntime, default_clouds
from stackyard_storage.pulls.jobs import PULL_JOBS
from stackyard_storage.snapshots.sagas import SAGAS as SNAPSHOT_SAGAS
from stackyard_storage.volume_types.service import properties_consumer, pull_volume_zones
from stackyard_storage.volumes.ordering import volume_orders_consumer
from stackyard_storage.volumes.sagas import SAGAS as VOLUME_SAGAS

__all__ = ["CONSUMERS", "PERIODIC_JOBS", "SAGAS", "main", "settings"]

SAGAS = (*VOLUME_SAGAS, *SNAPSHOT_SAGAS, *BACKUP_SAGAS, pull_volume_zones)
CONSUMERS = (memberships_consumer, tenants_consumer, properties_consumer, volume_orders_consumer)
PERIODIC_JOBS: list[PeriodicJob] = [EXPIRE_COPIES, *PULL_JOBS]
SAGA_CONCURRENCY = 64


def settings() -> dict[str, Any]:
    """The worker's arq settings: the common machinery plus storage's runtime."""
    base = worker_settings("storage", consumers=CONSUMERS, sagas=SAGAS, periodic_jobs=PERIODIC_JOBS)
    common_startup, common_shutdown = base["on_startup"], base["on_shutdown"]

    async def on_startup(ctx: dict[str, Any]) -> None:
        await common_startup(ctx)
        # No await between here and the end: the saga runner's first claim comes after.
        ctx[RUNTIME_KEY] = StorageRuntime(
            ctx["settings"], ctx["database"], default_clouds(ctx["settings"], ctx["redis"])
        )
        # Storage sagas wait on the cloud most of the time: run many at once.
        ctx["sagas"].concurrency = SAGA_CONCURRENCY

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await common_shutdown(ctx)
        await ctx[RUNTIME_KEY].aclose()

    return {**base, "on_startup": on_startup, "on_shutdown": on_shutdown}


def main() -> None:
    """Entry point of `stackyard-storage-worker`."""
    run_worker(settings())
