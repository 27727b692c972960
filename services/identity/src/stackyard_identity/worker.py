"""The identity service's arq worker: its consumers, the tenant sagas and their runtime,
and the scheduled tenant tasks."""

from __future__ import annotations

from typing import Any

from arq import run_worker

from stackyard_common.jobs import PeriodicJob
from stackyard_common.worker import worker_settings
from stackyard_identity.audit.consumers import audit_consumer
from stackyard_identity.tenants.ordering import tenant_orders_consumer
from stackyard_identity.tenants.runtime import RUNTIME_KEY, TenantRuntime
from stackyard_identity.tenants.sagas.maintenance import pull_tenant, pull_tenant_properties
from stackyard_identity.tenants.sagas.provisioning import provision_tenant, update_tenant_quotas
from stackyard_identity.tenants.sagas.teardown import teardown_tenant
from stackyard_identity.tenants.settings import openstack_settings
from stackyard_identity.tenants.tasks import TENANT_JOBS

__all__ = ["PERIODIC_JOBS", "SAGAS", "main", "settings"]

SAGAS = (
    provision_tenant,
    update_tenant_quotas,
    teardown_tenant,
    pull_tenant,
    pull_tenant_properties,
)
PERIODIC_JOBS: list[PeriodicJob] = [*TENANT_JOBS]


def settings() -> dict[str, Any]:
    """The worker's arq settings: the common machinery plus the tenants' runtime."""
    base = worker_settings(
        "identity",
        consumers=[audit_consumer, tenant_orders_consumer],
        sagas=SAGAS,
        periodic_jobs=PERIODIC_JOBS,
    )
    common_startup, common_shutdown = base["on_startup"], base["on_shutdown"]
    openstack = openstack_settings()

    async def on_startup(ctx: dict[str, Any]) -> None:
        await common_startup(ctx)
        # No await between here and the end: the saga runner's first claim comes after.
        ctx[RUNTIME_KEY] = TenantRuntime.create(
            ctx["settings"], ctx["database"], ctx["redis"], openstack=openstack
        )
        # Tenant sagas wait on the cloud most of the time: run many at once.
        ctx["sagas"].concurrency = openstack.saga_concurrency

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await common_shutdown(ctx)
        await ctx[RUNTIME_KEY].aclose()

    return {**base, "on_startup": on_startup, "on_shutdown": on_shutdown}


def main() -> None:
    """Entry point of `stackyard-identity-worker`."""
    run_worker(settings())
