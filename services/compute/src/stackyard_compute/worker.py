"""The compute service's arq worker: its consumers, sagas and runtime."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from arq import run_worker

from stackyard_common.auth import memberships_consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.tenants import tenants_consumer
from stackyard_common.worker import worker_settings
from stackyard_compute.common.runtime import RUNTIME_KEY, runtime_for
from stackyard_compute.flavors.properties import properties_consumer
from stackyard_compute.instances.action_sagas import ACTION_SAGAS, DELETE_SAGAS
from stackyard_compute.instances.ordering import instance_orders_consumer
from stackyard_compute.instances.provisioning import provision_instance
from stackyard_compute.instances.tasks import (
    PULL_INSTANCES,
    RECOVER_LOST_INSTANCES,
    REFRESH_INSTANCE_METADATA,
)
from stackyard_compute.server_groups.sagas import SAGAS as SERVER_GROUP_SAGAS
from stackyard_compute.volumes.projection import volumes_consumer

__all__ = ["CONSUMERS", "PERIODIC_JOBS", "SAGAS", "main", "settings"]

SAGAS = (
    provision_instance,
    *ACTION_SAGAS.values(),
    *DELETE_SAGAS.values(),
    *SERVER_GROUP_SAGAS,
)
CONSUMERS = (
    memberships_consumer,
    tenants_consumer,
    properties_consumer,
    volumes_consumer,
    instance_orders_consumer,
)
PERIODIC_JOBS: list[PeriodicJob] = [
    PULL_INSTANCES,
    RECOVER_LOST_INSTANCES,
    REFRESH_INSTANCE_METADATA,
]
SAGA_CONCURRENCY = 128


def settings() -> dict[str, Any]:
    """The worker's arq settings: the common machinery plus compute's runtime."""
    base = worker_settings("compute", consumers=CONSUMERS, sagas=SAGAS, periodic_jobs=PERIODIC_JOBS)
    common_startup, common_shutdown = base["on_startup"], base["on_shutdown"]

    async def on_startup(ctx: dict[str, Any]) -> None:
        await common_startup(ctx)
        # No await between here and the end: the saga runner's first claim comes after.
        ctx[RUNTIME_KEY] = runtime_for(
            SimpleNamespace(settings=ctx["settings"], database=ctx["database"], redis=ctx["redis"])
        )
        # Instance sagas wait on the cloud (and on their slots) most of the time.
        ctx["sagas"].concurrency = SAGA_CONCURRENCY

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await common_shutdown(ctx)
        await ctx[RUNTIME_KEY].aclose()

    return {**base, "on_startup": on_startup, "on_shutdown": on_shutdown}


def main() -> None:
    """Entry point of `stackyard-compute-worker`."""
    run_worker(settings())
