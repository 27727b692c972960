"""Identity's scheduled tenant tasks (the specification's "Scheduled Tasks"), each run by
one identity worker at a time and on demand by `stackyard tasks run <name>`:

    pull-tenant-quotas           12 h   every OK tenant's limits and usage from Nova,
                                        Cinder and Neutron (`refresh.refresh_quotas`)
    pull-tenant-properties       24 h   every OK tenant's flavors, images, volume types
                                        and zones (`refresh.refresh_properties`)
    mark-stuck-deleting-tenants  24 h   deleting for longer than STUCK_DELETING_AFTER
                                        with no saga on it: ERRED (`stuck`)
    mark-stuck-updating-tenants   1 h   the same for updating (STUCK_UPDATING_AFTER)

External networks are network's records: its `pull-networks` (every 2 h) reads them
with each tenant's network. Each task returns a summary (counts, and the names of the
tenants it changed or could not reach) and is idempotent. A pull that cannot reach a
tenant (its cloud fails, its project is gone) names it in `errors` and leaves its state
alone: staff decide (`pull` marks it ERRED when its project is gone).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select

from stackyard_common.jobs import PeriodicJob
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.refresh import (
    Outcome,
    refresh_properties,
    refresh_quotas,
    saga_busy,
)
from stackyard_identity.tenants.runtime import TenantRuntime, runtime_of
from stackyard_identity.tenants.sagas.property_steps import PropertyCache
from stackyard_identity.tenants.stuck import DELETING_STATES, UPDATING_STATES, mark_stuck_tenants

__all__ = [
    "TENANT_JOBS",
    "mark_stuck_deleting_tenants",
    "mark_stuck_updating_tenants",
    "pull_tenant_properties",
    "pull_tenant_quotas",
]

log = structlog.get_logger(__name__)

TENANTS_AT_ONCE = 8  # each asks its cloud three or four things; the clouds' limits hold the rest

Refresh = Callable[[TenantRuntime, Tenant], Awaitable[Outcome]]


async def _settled_tenants(runtime: TenantRuntime) -> list[Tenant]:
    async with runtime.database.session() as session:
        query = (
            select(Tenant)
            .where(Tenant.state == TenantState.OK.value, Tenant.backend_id != "")
            .order_by(Tenant.name, Tenant.uuid)
        )
        return list((await session.execute(query)).scalars())


async def _refresh_all(runtime: TenantRuntime, refresh: Refresh, task: str) -> dict[str, Any]:
    """Run `refresh` on every OK tenant with a project, a few at once; one that fails is
    counted and named, the others go on."""
    await runtime.clouds.identity_keys()
    tenants = await _settled_tenants(runtime)
    outcomes: dict[str, list[str]] = {outcome.value: [] for outcome in Outcome}
    errors: dict[str, str] = {}
    gate = asyncio.Semaphore(TENANTS_AT_ONCE)

    async def one(tenant: Tenant) -> None:
        async with gate:
            try:
                async with runtime.database.session() as session:
                    busy = await saga_busy(session, tenant.uuid)
                # A tenant a saga works on is left to it, before asking its cloud anything.
                outcome = Outcome.BUSY if busy else await refresh(runtime, tenant)
            except Exception as error:
                log.warning(task + ".failed", tenant=str(tenant.uuid), error=repr(error))
                errors[tenant.name] = str(error) or type(error).__name__
                return
            outcomes[outcome.value].append(tenant.name)

    await asyncio.gather(*(one(tenant) for tenant in tenants))
    return {
        "tenants": len(tenants),
        **{outcome: len(names) for outcome, names in outcomes.items()},
        "failed": len(errors),
        "changed_tenants": sorted(outcomes[Outcome.CHANGED.value]),
        "errors": dict(sorted(errors.items())),
    }


async def pull_tenant_quotas(ctx: dict[str, Any]) -> dict[str, Any]:
    """Every OK tenant's quotas and usage read back from its cloud; a summary."""
    return await _refresh_all(runtime_of(ctx), refresh_quotas, "pull-tenant-quotas")


async def pull_tenant_properties(ctx: dict[str, Any]) -> dict[str, Any]:
    """Every OK tenant's flavors, images, volume types and zones read back; a summary."""
    # One listing per cloud for the whole run, never one older than the run.
    cache: PropertyCache = {}
    refresh = functools.partial(refresh_properties, cache=cache)
    return await _refresh_all(runtime_of(ctx), refresh, "pull-tenant-properties")


async def _mark_stuck(ctx: dict[str, Any], states: tuple[str, ...], seconds: int) -> dict[str, Any]:
    limit = timedelta(seconds=seconds)
    async with runtime_of(ctx).database.session() as session:
        found = await mark_stuck_tenants(session, states, limit, datetime.now(UTC))
    return {
        "older_than_seconds": seconds,
        "marked_erred": len(found.marked),
        "saga_running": found.saga_running,
        "erred_tenants": found.marked,
    }


async def mark_stuck_deleting_tenants(ctx: dict[str, Any]) -> dict[str, Any]:
    """Tenants deleting for too long with no saga on them end ERRED; a summary."""
    limit = runtime_of(ctx).openstack.stuck_deleting_after
    return await _mark_stuck(ctx, DELETING_STATES, limit)


async def mark_stuck_updating_tenants(ctx: dict[str, Any]) -> dict[str, Any]:
    """Tenants updating for too long with no saga on them end ERRED; a summary."""
    limit = runtime_of(ctx).openstack.stuck_updating_after
    return await _mark_stuck(ctx, UPDATING_STATES, limit)


PULLS_TIMEOUT = timedelta(minutes=30)

TENANT_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        "pull-tenant-quotas", pull_tenant_quotas, every=timedelta(hours=12), timeout=PULLS_TIMEOUT
    ),
    PeriodicJob(
        "pull-tenant-properties",
        pull_tenant_properties,
        every=timedelta(days=1),
        timeout=PULLS_TIMEOUT,
    ),
    PeriodicJob(
        "mark-stuck-deleting-tenants", mark_stuck_deleting_tenants, every=timedelta(days=1)
    ),
    PeriodicJob(
        "mark-stuck-updating-tenants", mark_stuck_updating_tenants, every=timedelta(hours=1)
    ),
]
