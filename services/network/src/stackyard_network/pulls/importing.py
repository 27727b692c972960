"""Keeping records in step with the clouds without anyone asking.

- When a tenant turns OK (`tenant.state_changed.v1`), its internal network, subnet,
  router, default security groups, and the external networks of its cloud become
  records at once (the `tenant-network-import` consumer starts the saga below).
- `pull-networks` (a periodic job, every 2 hours) does the same for every usable tenant.
- When a tenant is deleted (`tenant.deleted.v1`), its records go, each announced.

The `pull-tenant-network` saga reads the cloud's external networks and the tenant's
own resources (`pull_tenant_network`: one list per kind, compared in one pass).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.sagas import Saga, Step, StepContext, saga_progress, start_saga
from stackyard_common.tenants import apply_tenant_event, get_tenant, tenants
from stackyard_network.cloud import CLOUDS_KEY, Clouds
from stackyard_network.external_networks.sync import pull_external_networks
from stackyard_network.pulls.tenant import pull_tenant_network
from stackyard_network.resources.events import DELETED, resource_event
from stackyard_network.resources.kinds import KINDS

__all__ = [
    "PULL_EVERY",
    "forget_tenant",
    "pull_job",
    "pull_tenant_network_saga",
    "tenant_import_consumer",
]

PULL_EVERY = timedelta(hours=2)


async def _pull(ctx: StepContext) -> dict[str, Any] | None:
    tenant = await get_tenant(ctx.session, ctx.resource_uuid)
    if tenant is None or not tenant.usable:
        return {"skipped": "the tenant is not usable"}
    clouds: Clouds = ctx.services[CLOUDS_KEY]
    await pull_external_networks(ctx.session, clouds, tenant.cloud_connection_uuid)
    return {"report": await pull_tenant_network(ctx.session, clouds, tenant)}


pull_tenant_network_saga = Saga(
    "pull-tenant-network",
    steps=[Step("pull", _pull, deadline=timedelta(minutes=5), max_attempts=3)],
)


async def schedule_pull(session: AsyncSession, tenant_uuid: Any) -> bool:
    """Start a pull of the tenant unless one runs; whether one was started."""
    progress = await saga_progress(session, tenant_uuid)
    if progress is not None and progress.state in ("running", "compensating"):
        return False
    await start_saga(session, pull_tenant_network_saga, tenant_uuid)
    return True


async def forget_tenant(session: AsyncSession, tenant_uuid: Any) -> int:
    """Remove every record of a tenant that is gone (its cloud project with it), each
    announced as deleted; how many went. Dependants first, so that keys stay valid."""
    gone = 0
    for kind in (
        "floating_ip",
        "rbac_policy",
        "port",
        "router",
        "subnet",
        "security_group",
        "network",
    ):
        model = KINDS[kind].model
        records = await session.execute(select(model).where(model.tenant_uuid == tenant_uuid))
        for record in records.scalars():
            await resource_event(session, kind, DELETED, record)
            await session.delete(record)
            gone += 1
        await session.flush()
    return gone


async def import_on_ok(envelope: Envelope, session: AsyncSession) -> None:
    """A tenant that turns OK: its projection row first (this consumer may run before
    the projection's own), then its network pulled. A deleted tenant: its records go."""
    await apply_tenant_event(envelope, session)
    tenant_uuid = uuid.UUID(str(envelope.payload["tenant_uuid"]))
    if envelope.type == TENANT_DELETED:
        await forget_tenant(session, tenant_uuid)
    elif envelope.payload.get("state") == "OK":
        await schedule_pull(session, tenant_uuid)


TENANT_DELETED = "tenant.deleted.v1"

tenant_import_consumer: Consumer = consumer(
    "tenant-network-import", routing_keys=["tenant.state_changed.v1", TENANT_DELETED]
)(import_on_ok)


async def pull_tenant_networks(ctx: dict[str, Any]) -> dict[str, int]:
    """Start a pull of every usable tenant (one whose pull is under way is left to it);
    how many tenants there were and how many pulls started."""
    started = usable = 0
    async with ctx["database"].session() as session:
        rows = await session.execute(
            select(tenants.c.uuid).where(
                tenants.c.deleted.is_(False), tenants.c.state == "OK", tenants.c.backend_id != ""
            )
        )
        for tenant_uuid in rows.scalars():
            usable += 1
            started += await schedule_pull(session, tenant_uuid)
    return {"tenants": usable, "pulls_started": started, "already_running": usable - started}


pull_job = PeriodicJob(
    "pull-networks", pull_tenant_networks, every=PULL_EVERY, timeout=timedelta(minutes=15)
)
