"""The network service's arq worker: its consumers, its saga and the clouds it uses."""

from __future__ import annotations

from typing import Any

from arq import run_worker

from stackyard_common.auth import memberships_consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.tenants import tenants_consumer
from stackyard_common.worker import worker_settings
from stackyard_network.cloud import CLOUDS_KEY, PlatformClouds
from stackyard_network.operations_registry import network_operation
from stackyard_network.pulls.importing import (
    pull_job,
    pull_tenant_network_saga,
    tenant_import_consumer,
)

__all__ = ["PERIODIC_JOBS", "SAGAS", "main", "settings"]

SAGAS = (network_operation, pull_tenant_network_saga)
PERIODIC_JOBS: list[PeriodicJob] = [pull_job]


def settings() -> dict[str, Any]:
    """The worker's arq settings: the common machinery plus the clouds."""
    base = worker_settings(
        "network",
        consumers=[memberships_consumer, tenants_consumer, tenant_import_consumer],
        sagas=SAGAS,
        periodic_jobs=PERIODIC_JOBS,
    )
    common_startup, common_shutdown = base["on_startup"], base["on_shutdown"]

    async def on_startup(ctx: dict[str, Any]) -> None:
        await common_startup(ctx)
        # No await between here and the end: the saga runner's first claim comes after.
        ctx[CLOUDS_KEY] = PlatformClouds(ctx["settings"], ctx["redis"])

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await common_shutdown(ctx)
        await ctx[CLOUDS_KEY].aclose()

    return {**base, "on_startup": on_startup, "on_shutdown": on_shutdown}


def main() -> None:
    """Entry point of `stackyard-network-worker`."""
    run_worker(settings())
