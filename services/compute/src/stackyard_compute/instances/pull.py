"""The bulk pull of a tenant's instances: one paginated, detailed server listing of the
tenant's cloud project, compared with all the tenant's instance records in one pass
(`stackyard_common.resources.pulls.reconcile`), written in one flush.

- A settled instance takes its server's values (`server_values`): changed → event.
- A settled instance whose server is gone is marked: ERRED, `backend_missing_since`,
  "The server is gone from the cloud." → event; a marked one found again is OK again →
  event; one marked longer than the grace period is deleted → `instance.deleted.v1`.
- An instance a saga or an action works on (busy) is not touched, except that one
  creating past the deadline whose provisioning is not live ends ERRED, ending its
  order erred (`stuck_creations`).
- Servers without a record are only counted (`unknown`): `recovery` imports them.

Events are `instance.state_changed.v1` (and `instance.deleted.v1`), in the same
transaction. The records are read twice: their states before the listing, then
row-locked after it. A record that was not settled before the listing (a creation that
ended while the cloud answered) is left for the next pull, since the listing may
predate its server; the lock keeps an action from starting between the comparison and
the write. The caller's session is used on both sides of the listing, so its
transaction stays open (idle) while the cloud answers one list call.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack.compute import Server
from stackyard_common.resources.pulls import PullSettings, pull_settings, reconcile, stuck
from stackyard_common.resources.records import BUSY_STATES, SETTLED_STATES
from stackyard_common.tenants import TenantRecord
from stackyard_compute.common.runtime import CloudClients
from stackyard_compute.instances.events import DELETED, STATE_CHANGED, instance_event
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.server_values import (
    apply_server,
    flavors_to_look_up,
    tenant_flavors,
)
from stackyard_compute.instances.stuck_creations import end_stuck_creations

__all__ = ["GONE", "locked_records", "pull_tenant_instances", "settled_uuids"]

log = structlog.get_logger(__name__)

GONE = "The server is gone from the cloud."


async def settled_uuids(session: AsyncSession, tenant: uuid.UUID) -> set[uuid.UUID]:
    """The tenant's instances that are settled (OK or ERRED) now."""
    rows = await session.execute(
        select(Instance.uuid).where(
            Instance.tenant_uuid == tenant, Instance.state.in_(SETTLED_STATES)
        )
    )
    return set(rows.scalars())


async def locked_records(session: AsyncSession, tenant: uuid.UUID) -> list[Instance]:
    """All the tenant's instances, fresh and row-locked (in uuid order, so that two pulls
    never deadlock) until the transaction ends."""
    rows = await session.execute(
        select(Instance)
        .where(Instance.tenant_uuid == tenant)
        .order_by(Instance.uuid)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


def _gone_since(moment: datetime | None) -> str:
    when = f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "a while"
    return f"Its server has been gone from the cloud since {when}."


async def pull_tenant_instances(
    session: AsyncSession,
    clouds: CloudClients,
    tenant: TenantRecord,
    *,
    now: datetime | None = None,
    settings: PullSettings | None = None,
) -> dict[str, int]:
    """Pull the tenant's instances from its cloud project (see the module's docstring),
    in `session`'s transaction (no commit); the pass in numbers: `changed`, `missing`,
    `returned`, `expired`, `busy`, `unknown`, `unchanged`, `stuck` (ended ERRED) and
    `recent` (left for the next pull). Cloud errors propagate before anything is
    written."""
    now = now or datetime.now(UTC)
    settings = settings or pull_settings()
    settled_before = await settled_uuids(session, tenant.uuid)
    client = await clouds.client(tenant.uuid)
    servers: list[Server] = await client.compute.list_servers()
    records = await locked_records(session, tenant.uuid)
    compared = [
        record for record in records if record.state in BUSY_STATES or record.uuid in settled_before
    ]
    flavors = await tenant_flavors(session, tenant.uuid, flavors_to_look_up(compared, servers))
    earlier = {record.uuid: record.error_message for record in compared if record.error_message}

    def apply(record: Instance, server: Server) -> bool:
        return apply_server(record, server, flavors)

    result = reconcile(
        compared, servers, apply=apply, now=now, grace=settings.grace, missing_message=GONE
    )
    for record in result.missing:
        if earlier.get(record.uuid):  # keep why it had failed before it went missing
            record.error_message = f"{GONE} Before that: {earlier[record.uuid]}"
    ended = await end_stuck_creations(
        session,
        stuck(result.busy_records, now=now, deadline=settings.deadline),
        now=now,
        deadline=settings.deadline,
    )
    for record in result.expired:
        await session.delete(record)
    await session.flush()

    for record in result.changed:
        await instance_event(session, STATE_CHANGED, record, note="Pulled from the cloud.")
    for record in result.missing:
        await instance_event(session, STATE_CHANGED, record)
    for record in result.returned:
        await instance_event(
            session, STATE_CHANGED, record, note="Its server is back in the cloud."
        )
    for record in result.expired:
        await instance_event(
            session,
            DELETED,
            record,
            note=_gone_since(record.backend_missing_since),
        )
    for creation in ended:
        extra: dict[str, Any] = {"order_result": "erred"} if creation.order else {}
        await instance_event(
            session, STATE_CHANGED, creation.instance, order=creation.order, **extra
        )
    counts = {**result.counts(), "stuck": len(ended), "recent": len(records) - len(compared)}
    if any(counts[kind] for kind in ("changed", "missing", "returned", "expired", "stuck")):
        log.info("instances pulled", tenant_uuid=str(tenant.uuid), **counts)
    return counts
