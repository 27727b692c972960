"""Compute's projection of storage's volumes: a volume storage imported from the cloud
is known to compute like one made through the platform."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from stackyard_common.events import Envelope
from stackyard_compute.volumes.models import VolumeRecord
from stackyard_compute.volumes.projection import apply_volume_event

from .conftest import Cloudyard, Tenant


async def test_an_imported_volume_joins_the_projection(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    volume = uuid.uuid4()
    imported = Envelope(
        type="volume.imported.v1",
        source="storage",
        payload={
            "volume_uuid": str(volume),
            "tenant_uuid": str(tenant.uuid),
            "name": "found-data",
            "backend_id": "vol-1",
            "size": 2048,
            "state": "OK",
            "runtime_state": "available",
        },
    )
    async with cloudyard.compute_db.session() as session:
        await apply_volume_event(imported, session)
        await session.commit()
    async with cloudyard.compute_db.session() as session:
        record = (
            await session.execute(select(VolumeRecord).where(VolumeRecord.uuid == volume))
        ).scalar_one()
    assert (record.name, record.backend_id, record.size, record.deleted) == (
        "found-data",
        "vol-1",
        2048,
        False,
    )
