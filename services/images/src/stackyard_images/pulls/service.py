"""Bringing image records in step with Glance: one paginated list per call, compared
with the records in one pass.

A tenant's pull covers the images its project owns; a cloud's pull, its public images
(those a tenant owns stay the tenant's). Records Glance no longer lists are removed,
except those a request is working on right now (creating, uploading).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import transaction_lock
from stackyard_common.openstack import OpenStackClient
from stackyard_common.openstack.image import Image as GlanceImage
from stackyard_common.tenants import TenantRecord
from stackyard_images.images.models import Image, ImageState

__all__ = ["PullResult", "forget_tenant_images", "pull_cloud_images", "pull_tenant_images"]

BUSY = (ImageState.CREATING.value, ImageState.UPDATING.value)


@dataclass(frozen=True, slots=True)
class PullResult:
    """What a pull changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _copy(record: Image, glance: GlanceImage) -> bool:
    """Write Glance's view into `record`; whether anything changed."""
    values = {
        "name": glance.name or "",
        "runtime_state": glance.status or "",
        "visibility": glance.visibility,
        "disk_format": glance.disk_format or "",
        "container_format": glance.container_format or "",
        "min_disk": glance.min_disk,
        "min_ram": glance.min_ram,
        "size": glance.size,
        "checksum": glance.checksum or "",
        "owner": glance.owner or "",
        "backend_created_at": _when(glance.created_at),
    }
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


async def _sync(
    session: AsyncSession,
    connection: uuid.UUID,
    listed: Iterable[GlanceImage],
    tenant: TenantRecord | None,
) -> PullResult:
    images = {image.id: image for image in listed}
    # Tenants of one cloud are pulled side by side (fifty turning OK at once each pull the
    # cloud's public images): one pull at a time compares and writes the cloud's records,
    # so that each image gets one record.
    await transaction_lock(session, f"images:cloud-images:{connection}")
    owned = Image.tenant_uuid == tenant.uuid if tenant else Image.tenant_uuid.is_(None)
    found = await session.execute(
        select(Image).where(
            Image.cloud_connection_uuid == connection,
            or_(owned, Image.backend_id.in_(list(images))),
        )
    )
    records = {record.backend_id: record for record in found.scalars()}
    added = updated = removed = 0
    for backend_id, glance in images.items():
        record = records.get(backend_id)
        if record is None:
            record = Image(backend_id=backend_id, cloud_connection_uuid=connection)
            session.add(record)
        elif record.state in BUSY:
            continue  # a request is filling it in; its end writes the outcome
        elif tenant is None and record.tenant_uuid is not None:
            continue  # a tenant's own image: the tenant's pull keeps it
        changed = _copy(record, glance)
        if tenant is not None and record.tenant_uuid != tenant.uuid:
            record.tenant_uuid = tenant.uuid
            record.customer_uuid = tenant.customer_uuid
            record.project_uuid = tenant.project_uuid
            changed = True
        if record.state != ImageState.OK or record.error_message:
            record.state, record.error_message = ImageState.OK, ""
            changed = True
        if backend_id not in records:
            added += 1
        elif changed:
            updated += 1
    gone = [
        record.uuid
        for backend_id, record in records.items()
        if backend_id not in images
        and record.state not in BUSY
        and (record.tenant_uuid == (tenant.uuid if tenant else None))
    ]
    if gone:
        await session.execute(delete(Image).where(Image.uuid.in_(gone)))
        removed = len(gone)
    await session.flush()
    return PullResult(added, updated, removed)


async def pull_tenant_images(
    session: AsyncSession, client: OpenStackClient, tenant: TenantRecord
) -> PullResult:
    """Bring the records of the images `tenant`'s project owns in step with Glance;
    `client` works inside the tenant."""
    listed = await client.image.list_images(owner=tenant.backend_id)
    return await _sync(session, tenant.cloud_connection_uuid, listed, tenant)


async def pull_cloud_images(
    session: AsyncSession, client: OpenStackClient, connection: uuid.UUID
) -> PullResult:
    """Bring the records of cloud `connection`'s public images in step with Glance;
    `client` is the connection's admin."""
    listed = await client.image.list_images(visibility="public")
    return await _sync(session, connection, listed, None)


async def forget_tenant_images(session: AsyncSession, tenant: uuid.UUID) -> int:
    """Remove the records of a deleted tenant's images; how many went."""
    result = await session.execute(delete(Image).where(Image.tenant_uuid == tenant))
    return int(result.rowcount)  # type: ignore[attr-defined]
