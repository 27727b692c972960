"""The bulk pull of a tenant's volumes and snapshots against an emulated cloud: what it
changes, what it marks and later deletes, and what it leaves to the work in flight."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from stackyard_common.openstack import OpenStackClient
from stackyard_storage.common.runtime import CloudClients
from stackyard_storage.volumes.models import Volume

from .conftest import Storage, Tenant
from .pulling import client_of, events_about, gone_from_cloud, made_volume, pull, record, sql

CHANGED = "volume.state_changed.v1"


async def _view(storage: Storage, tenant: Tenant, key: str) -> dict[str, Any]:
    response = await storage.client.get(f"/api/openstack-volumes/{key}/", headers=tenant.owner)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_volume_gone_from_the_cloud_is_marked_and_deleted_after_the_grace_period(
    storage: Storage, tenant: Tenant
) -> None:
    gone = await made_volume(storage, tenant, "gone")
    kept = await made_volume(storage, tenant, "kept")
    await gone_from_cloud(storage, tenant, gone["backend_id"])

    summary = await pull(storage, tenant)
    assert (summary["volumes"]["missing"], summary["volumes"]["unchanged"]) == (1, 1)
    view = await _view(storage, tenant, gone["uuid"])
    assert view["state"] == "ERRED"
    assert view["error_message"] == "The volume is gone from the cloud: a pull no longer finds it."
    assert view["backend_missing_since"] is not None
    erred = (await events_about(storage, CHANGED, gone["uuid"]))[-1]
    assert (erred["state"], erred["result"]) == ("ERRED", "failed")
    assert erred["backend_missing_since"] is not None

    marked = datetime.fromisoformat(view["backend_missing_since"])
    again = await pull(storage, tenant, now=marked + timedelta(minutes=59))
    assert (again["volumes"]["missing"], again["volumes"]["expired"]) == (0, 0)
    assert await record(storage, gone["uuid"]) is not None

    late = await pull(storage, tenant, now=marked + timedelta(hours=1))
    assert late["volumes"]["expired"] == 1
    assert await record(storage, gone["uuid"]) is None
    (deleted,) = await events_about(storage, "volume.deleted.v1", gone["uuid"])
    assert deleted["message"] == "Volume gone was deleted."
    still = await record(storage, kept["uuid"])
    assert still is not None
    assert (still.state, still.backend_missing_since) == ("OK", None)
    assert await events_about(storage, "volume.deleted.v1", kept["uuid"]) == []


async def test_the_clouds_changes_come_through_and_a_returned_volume_is_ok_again(
    storage: Storage, tenant: Tenant
) -> None:
    grown = await made_volume(storage, tenant, "grown")
    back = await made_volume(storage, tenant, "back")
    client = await client_of(storage, tenant)
    await client.volume.extend_volume(grown["backend_id"], 2)
    await client.volume.wait_for_volume(grown["backend_id"], interval=0.05, timeout=10)
    await sql(
        storage,
        "UPDATE volumes SET state = 'ERRED', error_message = 'gone',"
        " backend_missing_since = now() - interval '1 hour' WHERE uuid = :u",
        u=back["uuid"],
    )
    before = len(await events_about(storage, CHANGED, grown["uuid"]))

    summary = await pull(storage, tenant)
    assert (summary["volumes"]["changed"], summary["volumes"]["returned"]) == (1, 1)
    assert (await _view(storage, tenant, grown["uuid"]))["size"] == 2048
    event = (await events_about(storage, CHANGED, grown["uuid"]))[-1]
    assert event["size"] == 2048
    assert len(await events_about(storage, CHANGED, grown["uuid"])) == before + 1
    returned = await _view(storage, tenant, back["uuid"])
    assert (returned["state"], returned["error_message"], returned["backend_missing_since"]) == (
        "OK",
        "",
        None,
    )
    assert (await events_about(storage, CHANGED, back["uuid"]))[-1]["state"] == "OK"

    quiet = await pull(storage, tenant)
    assert quiet["volumes"]["unchanged"] == 2
    assert sum(quiet["volumes"][kind] for kind in ("changed", "missing", "returned")) == 0


async def test_busy_volumes_are_left_to_the_work_in_flight(
    storage: Storage, tenant: Tenant
) -> None:
    busy = await made_volume(storage, tenant, "busy")
    await gone_from_cloud(storage, tenant, busy["backend_id"])
    await sql(storage, "UPDATE volumes SET state = 'UPDATING' WHERE uuid = :u", u=busy["uuid"])
    events = len(await events_about(storage, CHANGED, busy["uuid"]))

    summary = await pull(storage, tenant)
    assert (summary["volumes"]["busy"], summary["volumes"]["missing"]) == (1, 0)
    found = await record(storage, busy["uuid"])
    assert found is not None
    assert (found.state, found.backend_missing_since) == ("UPDATING", None)
    assert len(await events_about(storage, CHANGED, busy["uuid"])) == events


@dataclass
class _Listing:
    """The tenant's volume API, with `during` run while the listing is on its way."""

    volume: Any
    during: Callable[[], Awaitable[None]]

    async def list_volumes(self) -> Any:
        found = await self.volume.list_volumes()
        await self.during()
        return found

    async def list_snapshots(self) -> Any:
        return await self.volume.list_snapshots()


@dataclass
class _SlowClouds:
    clouds: CloudClients
    during: Callable[[], Awaitable[None]]

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        real = await self.clouds.client(tenant)
        return _Client(_Listing(real.volume, self.during))  # type: ignore[return-value]

    async def aclose(self) -> None:
        return None


@dataclass
class _Client:
    volume: _Listing


async def test_a_record_changed_while_the_cloud_was_listed_waits_for_the_next_pull(
    storage: Storage, tenant: Tenant
) -> None:
    # A creation that ends while the listing is on its way: the listing may predate the
    # volume, and the record must not be taken for one whose volume is gone.
    volume = await made_volume(storage, tenant, "late")
    await gone_from_cloud(storage, tenant, volume["backend_id"])
    await sql(storage, "UPDATE volumes SET state = 'CREATING' WHERE uuid = :u", u=volume["uuid"])

    async def saga_ends() -> None:
        # As a saga's step writes (`RecordStep.save`): `modified` moves with the change.
        async with storage.database.session() as session:
            key = uuid.UUID(volume["uuid"])
            await session.execute(update(Volume).where(Volume.uuid == key).values(state="OK"))

    summary = await pull(storage, tenant, clouds=_SlowClouds(storage.clouds, saga_ends))
    assert (summary["volumes"]["fresh"], summary["volumes"]["missing"]) == (1, 0)
    assert (await _view(storage, tenant, volume["uuid"]))["state"] == "OK"
    assert (await pull(storage, tenant))["volumes"]["missing"] == 1  # now it is judged


async def test_a_snapshot_gone_from_the_cloud_is_marked(storage: Storage, tenant: Tenant) -> None:
    volume = await made_volume(storage, tenant, "source")
    made = await storage.client.post(
        "/api/openstack-snapshots/",
        headers=tenant.owner,
        json={"source_volume": volume["uuid"], "name": "snap"},
    )
    assert made.status_code == 202, made.text
    path = f"/api/openstack-snapshots/{made.json()['uuid']}/"
    snapshot = await storage.settled(path, tenant.owner)
    client = await client_of(storage, tenant)
    await client.volume.delete_snapshot(snapshot["backend_id"])

    async def _gone() -> bool:
        return not await client.volume.list_snapshots()

    await storage.settle(_gone, timeout=10)

    summary = await pull(storage, tenant)
    assert summary["snapshots"]["missing"] == 1
    view = (await storage.client.get(path, headers=tenant.owner)).json()
    assert (view["state"], view["backend_missing_since"] is not None) == ("ERRED", True)
    event = (await events_about(storage, "snapshot.state_changed.v1", snapshot["uuid"]))[-1]
    assert (event["state"], event["result"]) == ("ERRED", "failed")
