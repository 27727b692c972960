"""The images service's arq worker: its consumers, the pull saga and the daily pull."""

from __future__ import annotations

from typing import Any

from arq import run_worker

from stackyard_common.auth import memberships_consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.tenants import tenants_consumer
from stackyard_common.worker import worker_settings
from stackyard_images.clouds import CLOUDS_KEY, Clouds
from stackyard_images.offerings.projection import tenant_offerings_consumer
from stackyard_images.pulls.tasks import image_pulls_consumer, pull_images, pull_images_daily

__all__ = ["PERIODIC_JOBS", "main", "settings"]

PERIODIC_JOBS: list[PeriodicJob] = [pull_images_daily]


def settings() -> dict[str, Any]:
    """The worker's arq settings: the common machinery plus the cloud access."""
    base = worker_settings(
        "images",
        consumers=[
            memberships_consumer,
            tenants_consumer,
            tenant_offerings_consumer,
            image_pulls_consumer,
        ],
        sagas=[pull_images],
        periodic_jobs=PERIODIC_JOBS,
    )
    common_startup, common_shutdown = base["on_startup"], base["on_shutdown"]

    async def on_startup(ctx: dict[str, Any]) -> None:
        await common_startup(ctx)
        # No await between here and the end: the saga runner's first claim comes after,
        # and it hands this very `ctx` to the steps.
        ctx[CLOUDS_KEY] = Clouds(ctx["settings"], ctx["redis"])

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await common_shutdown(ctx)
        await ctx[CLOUDS_KEY].aclose()

    return {**base, "on_startup": on_startup, "on_shutdown": on_shutdown}


def main() -> None:
    """Entry point of `stackyard-images-worker`."""
    run_worker(settings())
