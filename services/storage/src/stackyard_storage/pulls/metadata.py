"""Volume metadata: each volume's Cinder metadata copied onto its record (`metadata`
in the API) and announced by `volume.updated.v1` (whose payload carries `metadata`), for
the marketplace resources to follow.

```python
changes = await pull_volume_metadata(session, clouds, tenant_uuid, dry_run=True)
for change in changes: print(change.describe())
```
One listing of the tenant's volumes, its records read once. Only settled records are
changed (a saga's work is never written over); a dry run reads the same and writes
nothing, not even an event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import publish_many
from stackyard_common.resources.records import SETTLED_STATES
from stackyard_common.tenants import TenantRecord
from stackyard_storage.common.runtime import CloudClients
from stackyard_storage.pulls.tenant import tenant_key
from stackyard_storage.volumes.events import UPDATED, volume_envelope
from stackyard_storage.volumes.models import Volume

__all__ = ["MetadataChange", "pull_volume_metadata"]


@dataclass(frozen=True, slots=True)
class MetadataChange:
    """One volume whose record's metadata differs from the cloud's."""

    volume_uuid: uuid.UUID
    name: str
    backend_id: str
    before: dict[str, Any]
    after: dict[str, Any]

    def differences(self) -> list[str]:
        """Each key added (`+k=v`), removed (`-k`) or changed (`k: old -> new`)."""
        lines = []
        for key in sorted(self.before.keys() | self.after.keys()):
            if key not in self.before:
                lines.append(f"+{key}={self.after[key]}")
            elif key not in self.after:
                lines.append(f"-{key}")
            elif self.before[key] != self.after[key]:
                lines.append(f"{key}: {self.before[key]} -> {self.after[key]}")
        return lines

    def describe(self) -> str:
        """The change in one line, for an operator."""
        return f"volume {self.name} ({self.volume_uuid}): {', '.join(self.differences())}"


async def pull_volume_metadata(
    session: AsyncSession,
    clouds: CloudClients,
    tenant: TenantRecord | uuid.UUID,
    *,
    dry_run: bool = False,
) -> list[MetadataChange]:
    """Bring the metadata of `tenant`'s settled volume records to the cloud's, in
    `session`'s transaction (with `dry_run`, only say what would change); the changes,
    by volume name."""
    key = tenant_key(tenant)
    client = await clouds.client(key)
    found = {item.id: dict(item.metadata) for item in await client.volume.list_volumes()}
    query = (
        select(Volume)
        .where(
            Volume.tenant_uuid == key,
            Volume.backend_id.in_(list(found)),
            Volume.state.in_(SETTLED_STATES),
        )
        # The pull locks a tenant's volumes in this order too: the two never deadlock.
        .order_by(Volume.uuid)
    )
    if not dry_run:
        query = query.with_for_update()
    changes: list[MetadataChange] = []
    events = []
    for volume in (await session.execute(query)).scalars():
        before, after = dict(volume.cloud_metadata or {}), found[volume.backend_id]
        if before == after:
            continue
        change = MetadataChange(volume.uuid, volume.name, volume.backend_id, before, after)
        changes.append(change)
        if dry_run:
            continue
        volume.cloud_metadata = after
        message = (
            f"Volume {volume.name}: metadata pulled from the cloud "
            f"({', '.join(change.differences())})."
        )
        events.append(volume_envelope(UPDATED, volume, message=message))
    if events:
        await session.flush()
        await publish_many(session, events)
    return sorted(changes, key=lambda change: (change.name, str(change.volume_uuid)))
