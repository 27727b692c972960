"""Compute's periodic jobs, each a loop over the usable tenants (OK in the cloud, not
deleted) that runs one tenant's work in a transaction of its own:

    pull-instances              1 h   `pull.pull_tenant_instances` (stuck creations too)
    recover-lost-instances      6 h   `recovery.recover_lost_instances`
    refresh-instance-metadata  24 h   `metadata.refresh_instance_metadata`

A tenant whose cloud fails (or whose credentials identity will not give) is logged,
counted as failed and rolled back; the others go on. Each job returns its summary: how
many tenants, how many failed (and why, by tenant), and the sum of the tenants' counts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.jobs import PeriodicJob
from stackyard_common.tenants import TenantRecord, tenants
from stackyard_compute.common.runtime import CloudClients, runtime_of
from stackyard_compute.instances.metadata import refresh_instance_metadata
from stackyard_compute.instances.pull import pull_tenant_instances
from stackyard_compute.instances.recovery import recover_lost_instances

__all__ = [
    "PULL_INSTANCES",
    "RECOVER_LOST_INSTANCES",
    "REFRESH_INSTANCE_METADATA",
    "TenantWork",
    "for_each_tenant",
    "usable_tenants",
]

log = structlog.get_logger(__name__)

TenantWork = Callable[[AsyncSession, CloudClients, TenantRecord], Awaitable[Mapping[str, int]]]
"""One tenant's part of a job: its counts."""


async def usable_tenants(session: AsyncSession) -> list[TenantRecord]:
    """The tenants resources live in now: OK, with a cloud project, not deleted."""
    rows = await session.execute(
        select(tenants)
        .where(tenants.c.deleted.is_(False), tenants.c.state == "OK", tenants.c.backend_id != "")
        .order_by(tenants.c.uuid)
    )
    return [
        TenantRecord(**{name: row._mapping[name] for name in TenantRecord.__slots__})
        for row in rows
    ]


async def for_each_tenant(
    database: Database, clouds: CloudClients, work: TenantWork, *, job: str
) -> dict[str, Any]:
    """Run `work` for every usable tenant, one transaction each; the job's summary."""
    async with database.session() as session:
        found = await usable_tenants(session)
    totals: dict[str, int] = {}
    failures: dict[str, str] = {}
    for tenant in found:
        try:
            async with database.session() as session:
                counts = await work(session, clouds, tenant)
        except Exception as error:  # one tenant's cloud must not stop the others
            log.warning("tenant skipped", job=job, tenant_uuid=str(tenant.uuid), error=repr(error))
            failures[str(tenant.uuid)] = f"{type(error).__name__}: {error}"
            continue
        for kind, count in counts.items():
            totals[kind] = totals.get(kind, 0) + count
    return {"tenants": len(found), "failed": len(failures), "failures": failures, **totals}


def _job(name: str, work: TenantWork) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]:
    async def run(ctx: dict[str, Any]) -> dict[str, Any]:
        return await for_each_tenant(ctx["database"], runtime_of(ctx).clouds, work, job=name)

    run.__name__ = name.replace("-", "_")
    run.__doc__ = f"The `{name}` job: its tenant work for every usable tenant."
    return run


_LONG = timedelta(minutes=30)  # a hundred tenants' listings, on a slow cloud

PULL_INSTANCES = PeriodicJob(
    "pull-instances",
    _job("pull-instances", pull_tenant_instances),
    every=timedelta(hours=1),
    timeout=_LONG,
)
RECOVER_LOST_INSTANCES = PeriodicJob(
    "recover-lost-instances",
    _job("recover-lost-instances", recover_lost_instances),
    every=timedelta(hours=6),
    timeout=_LONG,
)
REFRESH_INSTANCE_METADATA = PeriodicJob(
    "refresh-instance-metadata",
    _job("refresh-instance-metadata", refresh_instance_metadata),
    every=timedelta(hours=24),
    timeout=_LONG,
)
