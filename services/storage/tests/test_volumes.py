"""Volumes through the API against an emulated cloud: made, grown, deleted, refused when
the tenant's quota does not hold them, and their events."""

from __future__ import annotations

from .conftest import Storage, Tenant


async def _volumes(storage: Storage, tenant: Tenant) -> list[dict[str, object]]:
    inventory = await storage.clouds.inventory(tenant.project_id)
    return [
        {"name": v["name"], "size": v["size"], "type": v["volume_type"], "status": v["status"]}
        for v in inventory.get("volumes", [])
    ]


async def test_a_volume_is_made_grown_and_deleted(storage: Storage, tenant: Tenant) -> None:
    response = await storage.client.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": "data", "size": 2048, "type": "ssd"},
    )
    assert response.status_code == 202, response.text
    created = response.json()
    assert (created["state"], created["size"], created["type_name"]) == (
        "CREATION_SCHEDULED",
        2048,
        "ssd",
    )
    path = f"/api/openstack-volumes/{created['uuid']}/"
    volume = await storage.settled(path, tenant.owner)
    assert (volume["state"], volume["runtime_state"], volume["error_message"]) == (
        "OK",
        "available",
        "",
    )
    assert volume["backend_id"]
    assert await _volumes(storage, tenant) == [
        {"name": "data", "size": 2, "type": "ssd", "status": "available"}
    ]

    grown = await storage.client.post(
        f"{path}extend/", headers=tenant.owner, json={"disk_size": 3072}
    )
    assert grown.status_code == 202, grown.text
    volume = await storage.settled(path, tenant.owner)
    assert (volume["state"], volume["size"]) == ("OK", 3072)
    assert (await _volumes(storage, tenant))[0]["size"] == 3

    smaller = await storage.client.post(
        f"{path}extend/", headers=tenant.owner, json={"disk_size": 2048}
    )
    assert smaller.status_code == 400
    assert "disk_size" in smaller.json()

    gone = await storage.client.delete(path, headers=tenant.owner)
    assert gone.status_code == 202, gone.text
    await storage.settled(path, tenant.owner, "GONE")
    assert await _volumes(storage, tenant) == []
    kinds = [
        event["payload"]["state"]
        for event in await storage.events("volume.state_changed.v1")
        if event["payload"]["volume_uuid"] == created["uuid"]
    ]
    assert kinds == [
        "CREATING",
        "OK",
        "UPDATE_SCHEDULED",
        "UPDATING",
        "OK",
        "DELETION_SCHEDULED",
        "DELETING",
    ]
    (deleted,) = [
        event
        for event in await storage.events("volume.deleted.v1")
        if event["payload"]["volume_uuid"] == created["uuid"]
    ]
    payload = deleted["payload"]
    assert (payload["resource_type"], payload["resource_name"], payload["result"]) == (
        "volume",
        "data",
        "succeeded",
    )
    assert payload["actor_username"].startswith("user-")


async def test_a_volume_over_the_tenants_quota_is_refused_before_the_cloud_is_asked(
    storage: Storage, tenant: Tenant
) -> None:
    await storage.clouds.admin.volume.set_quotas(tenant.project_id, gigabytes=5)
    first = await storage.client.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": "first", "size": 4096},
    )
    assert first.status_code == 202
    second = await storage.client.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": "second", "size": 2048},
    )
    assert second.status_code == 400
    assert second.json() == {
        "size": [
            "The tenant's quota 'storage' (gigabytes) would be exceeded: 4 GiB in use of "
            "5 GiB, 2 GiB more asked."
        ]
    }
    await storage.settled(f"/api/openstack-volumes/{first.json()['uuid']}/", tenant.owner)
    assert [v["name"] for v in await _volumes(storage, tenant)] == ["first"]


async def test_unknown_types_and_zones_and_strangers_are_refused(
    storage: Storage, tenant: Tenant
) -> None:
    body = {"tenant": str(tenant.uuid), "name": "x", "size": 1024}
    wrong = await storage.client.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={**body, "type": "gold", "availability_zone": "mars"},
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"type": ["No such volume type in the tenant."]}
    stranger = await storage.client.post(
        "/api/openstack-volumes/", headers=storage.headers(), json=body
    )
    assert stranger.status_code == 400
    assert stranger.json() == {"tenant": ["No such tenant."]}
    listed = await storage.client.get(
        f"/api/openstack-volume-types/?tenant_uuid={tenant.uuid}", headers=tenant.owner
    )
    assert {t["name"] for t in listed.json()} >= {"ssd", "hdd"}
