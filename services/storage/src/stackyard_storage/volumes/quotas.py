"""Checking a request against the tenant's Cinder quotas before the cloud is asked.

The limits are the tenant's quota set in Cinder (identity pushes the tenant's quotas
there); what is in use is what the platform's own records hold in the tenant (volumes
and snapshots, as Cinder counts them). A request that would not fit is a 400 on the
request's field that names the quota, e.g. `{"size": ["The tenant's quota 'storage'
(gigabytes) would be exceeded: 18 GiB in use of 20 GiB, 5 GiB more asked."]}`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.openstack import OpenStackClient
from stackyard_storage.snapshots.models import Snapshot
from stackyard_storage.volumes.models import Volume

__all__ = ["check_quotas", "usage"]

# The platform's names of Cinder's quotas, as the tenant's quotas call them.
PLATFORM_NAMES = {"gigabytes": "storage", "volumes": "volumes", "snapshots": "snapshots"}


async def usage(session: AsyncSession, tenant: uuid.UUID) -> dict[str, int]:
    """What the platform's records hold in the tenant, per Cinder quota key (GiB)."""
    counts: dict[str, int] = {"volumes": 0, "gigabytes": 0, "snapshots": 0}
    volumes = await session.execute(
        select(Volume.type_name, func.count(), func.coalesce(func.sum(Volume.size), 0))
        .where(Volume.tenant_uuid == tenant)
        .group_by(Volume.type_name)
    )
    for type_name, count, size in volumes:
        gigabytes = int(size) // 1024
        counts["volumes"] += int(count)
        counts["gigabytes"] += gigabytes
        if type_name:
            counts[f"volumes_{type_name}"] = int(count)
            counts[f"gigabytes_{type_name}"] = gigabytes
    snapshots = await session.execute(
        select(func.count(), func.coalesce(func.sum(Snapshot.size), 0)).where(
            Snapshot.tenant_uuid == tenant
        )
    )
    count, size = snapshots.one()
    counts["snapshots"] += int(count)
    counts["gigabytes"] += int(size) // 1024
    return counts


def _describe(key: str, used: int, limit: int, amount: int) -> str:
    base = next((name for name in PLATFORM_NAMES if key.startswith(name)), key)
    platform = PLATFORM_NAMES.get(base, key)
    name = f"'{platform}' ({key})" if platform != key else f"'{key}'"
    unit = " GiB" if base == "gigabytes" else ""
    return (
        f"The tenant's quota {name} would be exceeded: {used}{unit} in use of "
        f"{limit}{unit}, {amount}{unit} more asked."
    )


async def check_quotas(
    session: AsyncSession,
    client: OpenStackClient,
    tenant: uuid.UUID,
    project_id: str,
    wanted: Mapping[str, int],
    *,
    field: str,
    type_name: str = "",
) -> None:
    """`ValidationFailed` on `field` when `wanted` (Cinder keys: `volumes`, `gigabytes`,
    `snapshots`) does not fit the tenant's quotas; per-type quotas count too."""
    asked = dict(wanted)
    if type_name:
        for key in ("volumes", "gigabytes", "snapshots"):
            if asked.get(key):
                asked[f"{key}_{type_name}"] = asked[key]
    limits = await client.volume.get_quotas(project_id)
    used = await usage(session, tenant)
    for key, amount in asked.items():
        limit = limits.get(key, -1)
        if amount > 0 and 0 <= limit < used.get(key, 0) + amount:
            raise ValidationFailed.field(field, _describe(key, used.get(key, 0), limit, amount))
