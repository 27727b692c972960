"""The bulk pull of a tenant's instances: one paginated, detailed server listing of the
tenant's cloud project, compared with all the tenant's instances in one pass
(`stackyard_common.resources.pulls.reconcile`), the differences written in one
statement.

- A settled instance takes its server's values (`server_values`): changed → event.
- A settled instance whose server is gone is marked: ERRED, `backend_missing_since`,
  "The server is gone from the cloud." → event; a marked one found again is OK again →
  event; one marked longer than the grace period is deleted → `instance.deleted.v1`.
- An instance a saga or an action works on (busy) is not touched, except that one
  creating past the deadline whose provisioning is not live ends ERRED, ending its
  order erred (`stuck_creations`).
- Servers without a record are only counted (`unknown`): `recovery` imports them.

Events are `instance.state_changed.v1` (and `instance.deleted.v1`), in the same
transaction. The cloud is listed first, with no database work begun (no connection
waits on the cloud), then the instances are read row-locked (`pull_rows`), so that no
action starts between the comparison and the write. An instance whose server is not
listed but that changed less than `SETTLING` before the listing began (a creation that
ended while the cloud answered: the listing may predate its server) is not marked yet
but left for the next pull (`recent`); the margin also covers the clocks of workers and
database disagreeing a little.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Envelope, publish_many
from stackyard_common.openstack.compute import Server
from stackyard_common.resources.bulk import delete_records
from stackyard_common.resources.pulls import PullSettings, pull_settings, reconcile, stuck
from stackyard_common.resources.records import SETTLED_STATES
from stackyard_common.tenants import TenantRecord
from stackyard_compute.common.runtime import CloudClients
from stackyard_compute.instances.events import DELETED, STATE_CHANGED, instance_envelope
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.pull_rows import (
    PulledInstance,
    locked_rows,
    write_rows,
)
from stackyard_compute.instances.server_values import (
    apply_server,
    flavors_to_look_up,
    tenant_flavors,
)
from stackyard_compute.instances.stuck_creations import end_stuck_creations

__all__ = ["GONE", "SETTLING", "pull_tenant_instances"]

log = structlog.get_logger(__name__)

GONE = "The server is gone from the cloud."
SETTLING = timedelta(minutes=1)


def _gone_since(moment: datetime | None) -> str:
    when = f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "a while"
    return f"Its server has been gone from the cloud since {when}."


def _settling(row: PulledInstance, listed: set[str], listed_at: datetime) -> bool:
    """Whether the row would be marked missing although it settled during the listing."""
    return (
        row.state in SETTLED_STATES
        and row.backend_missing_since is None
        and bool(row.backend_id)
        and row.backend_id not in listed
        and row.modified > listed_at - SETTLING
    )


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
    `recent` (left for the next pull). A cloud error propagates before the database is
    touched. `now` and `settings` are for tests (the clock, `pull_settings()`)."""
    now = now or datetime.now(UTC)
    settings = settings or pull_settings()
    listed_at = datetime.now(UTC)
    client = await clouds.client(tenant.uuid)
    servers: list[Server] = await client.compute.list_servers()
    rows = await locked_rows(session, tenant.uuid)
    listed = {server.id for server in servers}
    compared = [row for row in rows if not _settling(row, listed, listed_at)]
    flavors = await tenant_flavors(session, tenant.uuid, flavors_to_look_up(compared, servers))
    earlier = {row.uuid: row.error_message for row in compared if row.error_message}

    def apply(row: PulledInstance, server: Server) -> bool:
        return apply_server(row, server, flavors)

    result = reconcile(
        compared, servers, apply=apply, now=now, grace=settings.grace, missing_message=GONE
    )
    for row in result.missing:
        if earlier.get(row.uuid):  # keep why it had failed before it went missing
            row.error_message = f"{GONE} Before that: {earlier[row.uuid]}"
    ended = await end_stuck_creations(
        session,
        stuck(result.busy_records, now=now, deadline=settings.deadline),
        now=now,
        deadline=settings.deadline,
    )
    written = [*result.changed, *result.missing, *result.returned]
    written += [creation.record for creation in ended]
    records = await write_rows(session, written)
    records.update(await delete_records(session, Instance, [row.uuid for row in result.expired]))

    def announce(group: list[PulledInstance], kind: str, **extra: Any) -> list[Envelope]:
        return [instance_envelope(kind, records[row.uuid], **extra) for row in group]

    events = [
        *announce(result.changed, STATE_CHANGED, note="Pulled from the cloud."),
        *announce(result.missing, STATE_CHANGED),
        *announce(result.returned, STATE_CHANGED, note="Its server is back in the cloud."),
    ]
    for row in result.expired:
        note = _gone_since(row.backend_missing_since)
        events.append(instance_envelope(DELETED, records[row.uuid], note=note))
    for creation in ended:
        extra: dict[str, Any] = {"order_result": "erred"} if creation.order else {}
        events.append(
            instance_envelope(
                STATE_CHANGED, records[creation.record.uuid], order=creation.order, **extra
            )
        )
    await publish_many(session, events)
    counts = {**result.counts(), "stuck": len(ended), "recent": len(rows) - len(compared)}
    if any(counts[kind] for kind in ("changed", "missing", "returned", "expired", "stuck")):
        log.info("instances pulled", tenant_uuid=str(tenant.uuid), **counts)
    return counts
