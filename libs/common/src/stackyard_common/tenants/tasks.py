"""Periodic work done tenant by tenant: a job that loops over the usable tenants of the
service's projection and runs one tenant's work in a transaction of its own.

```python
PULL_INSTANCES = tenant_job(
    "pull-instances", pull_tenant_instances, clouds=lambda ctx: runtime_of(ctx).clouds,
    every=timedelta(hours=1),
)
```
A tenant whose work raises (its cloud fails, identity will not give its credentials) is
logged, counted as failed with the reason and rolled back; the others go on. The job's
summary is how many tenants, how many failed (and why, by tenant uuid) and the sum of
the tenants' counts (nested per kind where the work counts per kind).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.jobs import PeriodicJob
from stackyard_common.tenants.projection import TenantRecord, tenants

__all__ = ["TenantWork", "for_each_tenant", "tenant_job", "usable_tenants"]

log = structlog.get_logger(__name__)

C = TypeVar("C")
TenantWork = Callable[[AsyncSession, C, TenantRecord], Awaitable[Mapping[str, Any]]]
"""One tenant's part of a job, given the service's cloud clients: its counts (numbers,
or counts per kind)."""

LONG_RUN = timedelta(minutes=30)  # a hundred tenants' listings, on a slow cloud


async def usable_tenants(session: AsyncSession) -> list[TenantRecord]:
    """The tenants resources live in now: OK, with a cloud project, an organisation and
    a project, not deleted; by name."""
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
    database: Database, clouds: C, work: TenantWork[C], *, job: str
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


def tenant_job(
    name: str,
    work: TenantWork[C],
    *,
    clouds: Callable[[dict[str, Any]], C],
    every: timedelta,
    timeout: timedelta = LONG_RUN,
) -> PeriodicJob:
    """The periodic job `name` running `work` for every usable tenant with the cloud
    clients `clouds(ctx)` finds in the worker's context."""

    async def run(ctx: dict[str, Any]) -> dict[str, Any]:
        return await for_each_tenant(ctx["database"], clouds(ctx), work, job=name)

    run.__name__ = name.replace("-", "_")
    run.__doc__ = f"The `{name}` job: its tenant work for every usable tenant."
    return PeriodicJob(name, run, every=every, timeout=timeout)
