"""Lost volumes: volumes in a tenant's cloud project that no record knows get one.

```python
async with database.session() as session:
    summary = await recover_lost_volumes(session, clouds, tenant_uuid)
```
A volume found with no record of that backend id becomes a record (OK, the cloud's
name, size, type, zone, bootable flag, status, metadata and attachment device; a new
`marketplace_resource_uuid`), and `volume.imported.v1` says so in the same transaction;
the marketplace makes the resource of that uuid from it.

Never imported:
- a volume that carries a record's uuid in its metadata (`common.cloud.MARK`): storage's
  create-volume saga (for the API, orders and compute's instances alike) writes the
  record before it asks the cloud, marks the volume in the create call itself, and
  records the backend id only after the cloud answered. Between the two the volume is
  in the cloud without a record of its id, but with the mark of a record that exists:
  the mark, not the backend id, closes that window.
- a volume whose status is not settled (`available`, `in-use`): a restore from a
  backup makes the volume first and marks it just after (`restoring-backup` until
  then), and anything in transition is better looked at when it has settled. It is
  imported by a later run, if no record has claimed it by then.

Two runs for one tenant at once (the job and an operator's command) are serialised by
a transaction-scoped advisory lock, taken after the listing and before the records are
read, so the second sees the first's imports.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import transaction_lock
from stackyard_common.events import publish_many
from stackyard_common.openstack.volume import Volume as CloudVolume
from stackyard_common.resources.records import ResourceState
from stackyard_common.tenants import TenantRecord, get_tenant
from stackyard_storage.common.cloud import MARK
from stackyard_storage.common.runtime import CloudClients
from stackyard_storage.pulls.tenant import tenant_key
from stackyard_storage.volumes.events import IMPORTED, volume_envelope
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.steps import volume_values

__all__ = ["SETTLED_STATUSES", "recover_lost_volumes"]

SETTLED_STATUSES = frozenset({"available", "in-use"})


def _mark(item: CloudVolume) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(item.metadata[MARK]))
    except (KeyError, ValueError):
        return None


def _record(tenant: TenantRecord, item: CloudVolume) -> Volume:
    assert tenant.customer_uuid is not None
    assert tenant.project_uuid is not None
    attached = item.attachments[0] if item.attachments else {}
    return Volume(
        uuid=uuid.uuid4(),
        name=(item.name or item.id)[:150],
        description=item.description or "",
        state=ResourceState.OK.value,
        backend_id=item.id,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        service_settings_uuid=tenant.cloud_connection_uuid,
        type_name=item.volume_type or "",
        availability_zone=item.availability_zone or "",
        # Nova's server id is not compute's instance uuid: only the device is known.
        device=str(attached.get("device") or ""),
        cloud_metadata=dict(item.metadata),
        marketplace_resource_uuid=uuid.uuid4(),
        **volume_values(item),
    )


async def recover_lost_volumes(
    session: AsyncSession, clouds: CloudClients, tenant: TenantRecord | uuid.UUID
) -> dict[str, Any]:
    """Import the volumes of `tenant`'s cloud project that have no record, in `session`'s
    transaction; counts (`imported`, `known`, `being_made`, `unsettled`) and the
    imported volumes' names. A tenant that is not usable is skipped (`skipped`)."""
    record = tenant if isinstance(tenant, TenantRecord) else await get_tenant(session, tenant)
    if record is None or not record.usable or None in (record.customer_uuid, record.project_uuid):
        return {"skipped": "the tenant is not usable"}
    client = await clouds.client(tenant_key(tenant))
    found = await client.volume.list_volumes()
    await transaction_lock(session, f"storage:recover-lost-volumes:{record.uuid}")
    known = set(
        (
            await session.execute(
                select(Volume.backend_id).where(
                    Volume.tenant_uuid == record.uuid, Volume.backend_id != ""
                )
            )
        ).scalars()
    )
    marks = {mark for item in found if (mark := _mark(item)) is not None}
    claimed = (
        set((await session.execute(select(Volume.uuid).where(Volume.uuid.in_(marks)))).scalars())
        if marks
        else set()
    )
    counts = {"imported": 0, "known": 0, "being_made": 0, "unsettled": 0}
    imported: list[Volume] = []
    for item in found:
        if item.id in known:
            counts["known"] += 1
        elif _mark(item) in claimed:
            counts["being_made"] += 1
        elif (item.status or "") not in SETTLED_STATUSES:
            counts["unsettled"] += 1
        else:
            imported.append(_record(record, item))
    counts["imported"] = len(imported)
    if imported:
        events = [
            volume_envelope(
                IMPORTED,
                volume,
                project_uuid=str(volume.project_uuid),
                customer_uuid=str(volume.customer_uuid),
            )
            for volume in imported
        ]
        session.add_all(imported)
        await session.flush()
        await publish_many(session, events)
    return {**counts, "volumes": sorted(volume.name for volume in imported)}
