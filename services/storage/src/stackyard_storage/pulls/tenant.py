"""The bulk pull of one tenant's volumes and snapshots (the `pull-volumes` job's work,
callable without a worker).

```python
async with database.session() as session:
    summary = await pull_tenant_volumes(session, clouds, tenant_uuid)
```
One detailed, paginated listing of each kind from the tenant's cloud project, the
tenant's records of each kind read once, compared in one pass (`stackyard_common.
resources.pulls.reconcile`; see `records`), what differs written in one statement per
kind, and one event per difference in one statement:

    changed, missing (ERRED), returned (OK)   <kind>.state_changed.v1
    missing longer than the grace period      the record deleted, <kind>.deleted.v1
    stuck in creation, no live saga           ERRED, <kind>.state_changed.v1 ending its
                                              order (`order_result` erred)

Cloud items with no record are counted (`unknown`) and left to the lost-volume recovery.
The caller's transaction holds it all: nothing is committed here.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import publish_many
from stackyard_common.resources.pulls import PullSettings, pull_settings
from stackyard_common.tenants import TenantRecord
from stackyard_storage.common.runtime import CloudClients
from stackyard_storage.pulls.kinds import SNAPSHOTS, VOLUMES
from stackyard_storage.pulls.records import compare_kind

__all__ = ["pull_tenant_volumes", "tenant_key"]


def tenant_key(tenant: TenantRecord | uuid.UUID) -> uuid.UUID:
    """The uuid of a tenant given as its projection row or its uuid."""
    return tenant.uuid if isinstance(tenant, TenantRecord) else tenant


async def pull_tenant_volumes(
    session: AsyncSession,
    clouds: CloudClients,
    tenant: TenantRecord | uuid.UUID,
    *,
    now: datetime | None = None,
    settings: PullSettings | None = None,
) -> dict[str, Any]:
    """Bring `tenant`'s volume and snapshot records in step with its cloud project, in
    `session`'s transaction; counts per kind (`changed`, `missing`, `returned`,
    `expired`, `busy`, `unknown`, `unchanged`, `fresh`, `stuck`).

    `now` is when the marks are dated (the clock by default); cloud errors propagate
    before anything is written."""
    settings = settings or pull_settings()
    key = tenant_key(tenant)
    client = await clouds.client(key)
    began = datetime.now(UTC)
    volumes, snapshots = await asyncio.gather(
        VOLUMES.list_cloud(client), SNAPSHOTS.list_cloud(client)
    )
    now = now or datetime.now(UTC)
    pulls = [
        await compare_kind(
            session, kind, key, found, now=now, listing_began=began, settings=settings
        )
        for kind, found in ((VOLUMES, volumes), (SNAPSHOTS, snapshots))
    ]
    await publish_many(session, [event for pull in pulls for event in pull.events])
    return {f"{pull.kind.name}s": pull.counts for pull in pulls}
