"""Compute's internal API (volumes for instances, attachments) and marketplace's
`OpenStack.Volume` orders."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_common.auth import issue_service_token
from stackyard_common.events import Envelope
from stackyard_storage.volumes.ordering import handle_request

from .conftest import Storage, Tenant


def _compute(storage: Storage) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_service_token(storage.settings, 'compute')}"}


async def _server(storage: Storage, tenant: Tenant) -> str:
    client = await storage.clouds.client(tenant.uuid)
    images = await client.image.list_images()
    image = next(image for image in images if (image.name or "").startswith("cirros"))
    server = await client.compute.create_server("vm", "1", image_id=image.id, networks="none")
    await client.compute.wait_for_server(server.id, interval=0.05)
    return server.id


async def test_compute_makes_attaches_and_deletes_volumes(storage: Storage, tenant: Tenant) -> None:
    key = uuid.uuid4()
    body = {"uuid": str(key), "tenant_uuid": str(tenant.uuid), "name": "vm-data", "size": 1024}
    first = await storage.client.post("/internal/volumes/", headers=_compute(storage), json=body)
    assert first.status_code == 201, first.text
    again = await storage.client.post("/internal/volumes/", headers=_compute(storage), json=body)
    assert again.status_code == 200
    assert again.json()["uuid"] == str(key)
    anonymous = await storage.client.post("/internal/volumes/", json=body)
    assert anonymous.status_code == 401
    path = f"/api/openstack-volumes/{key}/"
    await storage.settled(path, tenant.owner)

    server = await _server(storage, tenant)
    instance = uuid.uuid4()
    attach = await storage.client.post(
        f"/internal/volumes/{key}/attach",
        headers=_compute(storage),
        json={"instance_uuid": str(instance), "instance_name": "vm", "server_id": server},
    )
    assert attach.status_code == 202, attach.text
    volume = await storage.settled(path, tenant.owner)
    assert (volume["state"], volume["runtime_state"], volume["instance_uuid"]) == (
        "OK",
        "in-use",
        str(instance),
    )
    assert volume["device"]
    inventory = await storage.clouds.inventory(tenant.project_id)
    assert inventory["volumes"][0]["attached_to"] == [server]

    busy = await storage.client.delete(path, headers=tenant.owner)
    assert busy.status_code == 409

    detach = await storage.client.post(f"{path}detach/", headers=tenant.owner)
    assert detach.status_code == 202
    volume = await storage.settled(path, tenant.owner)
    assert (volume["runtime_state"], volume["instance_uuid"]) == ("available", None)

    gone = await storage.client.delete(f"/internal/volumes/{key}", headers=_compute(storage))
    assert gone.status_code == 202
    await storage.settled(path, tenant.owner, "GONE")
    missing = await storage.client.get(f"/internal/volumes/{key}", headers=_compute(storage))
    assert missing.status_code == 404
    assert (await storage.clouds.inventory(tenant.project_id))["volumes"] == []


async def _request(storage: Storage, kind: str, **payload: Any) -> None:
    envelope = Envelope(type=f"volume.{kind}_requested.v1", source="marketplace", payload=payload)
    async with storage.database.session() as session:
        await handle_request(envelope, session)


async def test_volume_orders_make_and_terminate_volumes(storage: Storage, tenant: Tenant) -> None:
    resource, order = uuid.uuid4(), uuid.uuid4()
    common = {"resource_uuid": str(resource), "tenant_uuid": str(tenant.uuid)}
    attributes = {"name": "ordered", "size": 1024, "type": "hdd"}
    await _request(storage, "create", order_uuid=str(order), attributes=attributes, **common)
    await _request(storage, "create", order_uuid=str(order), attributes=attributes, **common)
    listed = await storage.client.get(
        f"/api/openstack-volumes/?marketplace_resource_uuid={resource}", headers=tenant.owner
    )
    (volume,) = listed.json()
    volume = await storage.settled(volume["url"].split("storage", 1)[1], tenant.owner)
    assert (volume["state"], volume["type_name"]) == ("OK", "hdd")
    ends = [
        event["payload"]
        for event in await storage.events("volume.state_changed.v1")
        if event["payload"]["order_uuid"] == str(order) and event["payload"].get("order_result")
    ]
    assert [(end["state"], end["order_result"]) for end in ends] == [("OK", "done")]

    update = uuid.uuid4()
    await _request(storage, "update", order_uuid=str(update), **common)
    refused = [
        event["payload"]
        for event in await storage.events("volume.state_changed.v1")
        if event["payload"]["order_uuid"] == str(update)
    ]
    assert [(r["order_result"], r["order_error"]) for r in refused] == [
        ("erred", "Volumes have no limits to change.")
    ]

    terminate = uuid.uuid4()
    await _request(storage, "terminate", order_uuid=str(terminate), **common)
    await storage.settled(f"/api/openstack-volumes/{volume['uuid']}/", tenant.owner, "GONE")
    (deleted,) = [
        event["payload"]
        for event in await storage.events("volume.deleted.v1")
        if event["payload"]["order_uuid"] == str(terminate)
    ]
    assert deleted["order_result"] == "done"


async def test_an_invalid_order_ends_erred_with_the_reason(
    storage: Storage, tenant: Tenant
) -> None:
    resource, order = uuid.uuid4(), uuid.uuid4()
    await _request(
        storage,
        "create",
        order_uuid=str(order),
        resource_uuid=str(resource),
        tenant_uuid=str(tenant.uuid),
        attributes={"name": "bad", "size": 1024, "type": "platinum"},
    )
    (end,) = [
        event["payload"]
        for event in await storage.events("volume.state_changed.v1")
        if event["payload"]["order_uuid"] == str(order)
    ]
    assert (end["state"], end["order_result"]) == ("ERRED", "erred")
    assert "No such volume type" in end["error_message"]
