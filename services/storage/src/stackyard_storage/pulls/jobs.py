"""Storage's periodic pulls, each a loop over the usable tenants (OK in the cloud, not
deleted) that runs one tenant's work in a transaction of its own:

    pull-volumes            1 h   `tenant.pull_tenant_volumes` (snapshots and stuck
                                  creations too)
    recover-lost-volumes    6 h   `recovery.recover_lost_volumes`
    pull-volume-metadata   24 h   `metadata.pull_volume_metadata`

A tenant whose cloud fails (or whose credentials identity will not give) is logged,
counted as failed (with the reason, by tenant) and rolled back; the others go on. Each
job returns its summary: how many tenants, how many failed, and the sum of the
tenants' counts (per kind where the work counts per kind).
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
from stackyard_storage.common.runtime import CloudClients, runtime_of
from stackyard_storage.pulls.metadata import pull_volume_metadata
from stackyard_storage.pulls.recovery import recover_lost_volumes
from stackyard_storage.pulls.tenant import pull_tenant_volumes

__all__ = [
    "PULL_JOBS",
    "PULL_VOLUMES",
    "PULL_VOLUME_METADATA",
    "RECOVER_LOST_VOLUMES",
    "TenantWork",
    "for_each_tenant",
    "usable_tenants",
]

log = structlog.get_logger(__name__)

TenantWork = Callable[[AsyncSession, CloudClients, TenantRecord], Awaitable[Mapping[str, Any]]]
"""One tenant's part of a job: its counts (numbers, or counts per kind)."""


async def usable_tenants(session: AsyncSession) -> list[TenantRecord]:
    """The tenants volumes live in now: OK, with a cloud project and an owner, not
    deleted; by name."""
    rows = await session.execute(
        select(tenants)
        .where(
            tenants.c.deleted.is_(False),
            tenants.c.state == "OK",
            tenants.c.backend_id != "",
            tenants.c.customer_uuid.is_not(None),
            tenants.c.project_uuid.is_not(None),
        )
        .order_by(tenants.c.name, tenants.c.uuid)
    )
    return [
        TenantRecord(**{name: row._mapping[name] for name in TenantRecord.__slots__})
        for row in rows
    ]


def _add(totals: dict[str, Any], counts: Mapping[str, Any]) -> None:
    for name, value in counts.items():
        if isinstance(value, Mapping):
            _add(totals.setdefault(name, {}), value)
        elif isinstance(value, int) and not isinstance(value, bool):
            totals[name] = totals.get(name, 0) + value


async def for_each_tenant(
    database: Database, clouds: CloudClients, work: TenantWork, *, job: str
) -> dict[str, Any]:
    """Run `work` for every usable tenant, one transaction each; the job's summary."""
    async with database.session() as session:
        found = await usable_tenants(session)
    totals: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for tenant in found:
        try:
            async with database.session() as session:
                counts = await work(session, clouds, tenant)
        except Exception as error:  # one tenant's cloud must not stop the others
            log.warning("tenant skipped", job=job, tenant_uuid=str(tenant.uuid), error=repr(error))
            failures[str(tenant.uuid)] = f"{type(error).__name__}: {error}"
            continue
        _add(totals, counts)
    return {"tenants": len(found), "failed": len(failures), "failures": failures, **totals}


async def _metadata(
    session: AsyncSession, clouds: CloudClients, tenant: TenantRecord
) -> dict[str, int]:
    return {"changed": len(await pull_volume_metadata(session, clouds, tenant))}


def _job(name: str, work: TenantWork) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]:
    async def run(ctx: dict[str, Any]) -> dict[str, Any]:
        return await for_each_tenant(ctx["database"], runtime_of(ctx).clouds, work, job=name)

    run.__name__ = name.replace("-", "_")
    run.__doc__ = f"The `{name}` job: its tenant work for every usable tenant."
    return run


_LONG = timedelta(minutes=30)  # a hundred tenants' listings, on a slow cloud

PULL_VOLUMES = PeriodicJob(
    "pull-volumes",
    _job("pull-volumes", pull_tenant_volumes),
    every=timedelta(hours=1),
    timeout=_LONG,
)
RECOVER_LOST_VOLUMES = PeriodicJob(
    "recover-lost-volumes",
    _job("recover-lost-volumes", recover_lost_volumes),
    every=timedelta(hours=6),
    timeout=_LONG,
)
PULL_VOLUME_METADATA = PeriodicJob(
    "pull-volume-metadata",
    _job("pull-volume-metadata", _metadata),
    every=timedelta(hours=24),
    timeout=_LONG,
)
PULL_JOBS = [PULL_VOLUMES, RECOVER_LOST_VOLUMES, PULL_VOLUME_METADATA]
