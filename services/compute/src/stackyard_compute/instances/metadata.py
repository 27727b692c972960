"""Instance metadata: the Nova metadata of a tenant's servers, pulled into their records
(`server_metadata`, the API's `metadata`) from one detailed server listing, each change
announced by `instance.metadata_changed.v1` (with the new `metadata`).

Settled records only (OK, ERRED), as every pull, row-locked in uuid order as the
instance pull locks them: a record a saga works on takes its metadata at the next
refresh, and its `modified` (the stuck-creation clock) is left alone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.records import SETTLED_STATES
from stackyard_common.tenants import TenantRecord
from stackyard_compute.common.runtime import CloudClients
from stackyard_compute.instances.events import METADATA_CHANGED, instance_event
from stackyard_compute.instances.models import Instance

__all__ = ["refresh_instance_metadata"]


async def refresh_instance_metadata(
    session: AsyncSession, clouds: CloudClients, tenant: TenantRecord
) -> dict[str, int]:
    """Copy each server's metadata onto the tenant's record of it, in `session`'s
    transaction (no commit); `changed` and `unchanged` records in numbers."""
    client = await clouds.client(tenant.uuid)
    servers = {server.id: server for server in await client.compute.list_servers()}
    records = await session.execute(
        select(Instance)
        .where(
            Instance.tenant_uuid == tenant.uuid,
            Instance.backend_id != "",
            Instance.state.in_(SETTLED_STATES),
        )
        # Locked in the pull's order: the two jobs meet at midnight without deadlocking.
        .order_by(Instance.uuid)
        .with_for_update()
    )
    changed = []
    unchanged = 0
    for record in records.scalars():
        server = servers.get(record.backend_id)
        if server is None:
            continue  # the pull marks it missing
        if record.server_metadata == server.metadata:
            unchanged += 1
            continue
        record.server_metadata = dict(server.metadata)
        changed.append(record)
    await session.flush()
    for record in changed:
        await instance_event(
            session, METADATA_CHANGED, record, metadata=dict(record.server_metadata)
        )
    return {"changed": len(changed), "unchanged": unchanged}
