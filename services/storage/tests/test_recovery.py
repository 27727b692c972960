"""Lost volumes: a volume made straight in the cloud becomes a record and a
`volume.imported.v1` after one recovery run; nothing is imported twice, and volumes
storage's own sagas are making are never imported."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from stackyard_storage.common.cloud import MARK
from stackyard_storage.pulls.recovery import recover_lost_volumes
from stackyard_storage.volumes.models import Volume

from .conftest import Storage, Tenant
from .pulling import client_of, events_about, made_volume, pull, record, written_volume

IMPORTED = "volume.imported.v1"


async def _recover(storage: Storage, tenant: Tenant) -> dict[str, Any]:
    async with storage.database.session() as session:
        return await recover_lost_volumes(session, storage.clouds, tenant.uuid)


async def _tenant_volumes(storage: Storage, tenant: Tenant) -> int:
    async with storage.database.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(Volume).where(Volume.tenant_uuid == tenant.uuid)
        )
    return int(count or 0)


async def test_a_volume_made_in_the_cloud_is_imported_once(
    storage: Storage, tenant: Tenant
) -> None:
    await made_volume(storage, tenant, "ours")
    client = await client_of(storage, tenant)
    outside = await client.volume.create_volume(
        2, name="outside", volume_type="ssd", metadata={"team": "blue"}
    )
    await client.volume.wait_for_volume(outside.id, interval=0.05, timeout=10)
    # A volume storage's saga has made but not recorded the id of yet: its record exists
    # (CREATING, no backend id) and the volume carries the record's uuid.
    making = await written_volume(storage, tenant, name="making", state="CREATING")
    await client.volume.create_volume(1, name="making", metadata={MARK: str(making)})

    summary = await _recover(storage, tenant)
    assert (summary["imported"], summary["known"], summary["being_made"]) == (1, 1, 1)
    assert summary["volumes"] == ["outside"]
    async with storage.database.session() as session:
        (imported,) = (
            await session.execute(select(Volume).where(Volume.backend_id == outside.id))
        ).scalars()
    assert (imported.state, imported.name, imported.size, imported.type_name) == (
        "OK",
        "outside",
        2048,
        "ssd",
    )
    assert imported.runtime_state == "available"
    assert imported.cloud_metadata == {"team": "blue"}
    assert imported.marketplace_resource_uuid is not None
    assert (imported.tenant_uuid, imported.customer_uuid, imported.project_uuid) == (
        tenant.uuid,
        tenant.customer,
        tenant.project,
    )
    (event,) = await events_about(storage, IMPORTED, imported.uuid)
    assert event["message"] == "Volume outside found in the cloud without a record: imported."
    assert event["marketplace_resource_uuid"] == str(imported.marketplace_resource_uuid)
    assert (event["volume_uuid"], event["backend_id"], event["state"]) == (
        str(imported.uuid),
        outside.id,
        "OK",
    )
    assert (event["tenant_uuid"], event["customer_uuid"], event["project_uuid"]) == (
        str(tenant.uuid),
        str(tenant.customer),
        str(tenant.project),
    )
    assert (event["size"], event["type_name"]) == (2048, "ssd")
    view = await storage.client.get(
        f"/api/openstack-volumes/{imported.uuid}/", headers=tenant.owner
    )
    assert view.json()["metadata"] == {"team": "blue"}

    count = await _tenant_volumes(storage, tenant)
    again = await _recover(storage, tenant)
    assert (again["imported"], again["known"], again["being_made"]) == (0, 2, 1)
    assert await _tenant_volumes(storage, tenant) == count
    assert await events_about(storage, IMPORTED, imported.uuid) == [event]
    making_record = await record(storage, making)
    assert making_record is not None
    assert making_record.state == "CREATING"

    # The pull knows it now: nothing unknown but the volume still being made.
    assert (await pull(storage, tenant))["volumes"]["unknown"] == 1


async def test_an_unusable_tenant_is_skipped(storage: Storage, tenant: Tenant) -> None:
    summary = await _recover(storage, Tenant(uuid.uuid4(), "", tenant.customer, tenant.project, {}))
    assert summary == {"skipped": "the tenant is not usable"}
