"""Snapshots and backups: made of a volume, restored into new volumes, removed when
deleted or past their `kept_until`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from stackyard_storage.common.expiry import expire_copies

from .conftest import Storage, Tenant


async def _volume(storage: Storage, tenant: Tenant, name: str) -> dict[str, Any]:
    response = await storage.client.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": name, "size": 1024},
    )
    assert response.status_code == 202, response.text
    return await storage.settled(f"/api/openstack-volumes/{response.json()['uuid']}/", tenant.owner)


async def test_a_snapshot_is_restored_into_a_new_volume(storage: Storage, tenant: Tenant) -> None:
    volume = await _volume(storage, tenant, "source")
    made = await storage.client.post(
        "/api/openstack-snapshots/",
        headers=tenant.owner,
        json={"source_volume": volume["url"], "name": "snap"},
    )
    assert made.status_code == 202, made.text
    path = f"/api/openstack-snapshots/{made.json()['uuid']}/"
    snapshot = await storage.settled(path, tenant.owner)
    assert (snapshot["state"], snapshot["runtime_state"], snapshot["size"]) == (
        "OK",
        "available",
        1024,
    )
    restored = await storage.client.post(
        f"{path}restore/", headers=tenant.owner, json={"name": "copy"}
    )
    assert restored.status_code == 202, restored.text
    copy = await storage.settled(f"/api/openstack-volumes/{restored.json()['uuid']}/", tenant.owner)
    assert copy["state"] == "OK"
    assert copy["source_snapshot"].endswith(f"{snapshot['uuid']}/")
    inventory = await storage.clouds.inventory(tenant.project_id)
    by_name = {v["name"]: v for v in inventory["volumes"]}
    assert by_name["copy"]["snapshot_id"] == snapshot["backend_id"]
    assert [s["name"] for s in inventory["snapshots"]] == ["snap"]

    deleted = await storage.client.delete(path, headers=tenant.owner)
    assert deleted.status_code == 202
    await storage.settled(path, tenant.owner, "GONE")
    assert (await storage.clouds.inventory(tenant.project_id))["snapshots"] == []


async def test_a_backup_is_restored_and_expired_ones_go(storage: Storage, tenant: Tenant) -> None:
    volume = await _volume(storage, tenant, "precious")
    soon = datetime.now(UTC) + timedelta(minutes=5)
    made = await storage.client.post(
        "/api/openstack-backups/",
        headers=tenant.owner,
        json={"source_volume": volume["uuid"], "name": "nightly", "kept_until": soon.isoformat()},
    )
    assert made.status_code == 202, made.text
    path = f"/api/openstack-backups/{made.json()['uuid']}/"
    backup = await storage.settled(path, tenant.owner)
    assert backup["state"] == "OK"
    restored = await storage.client.post(
        f"{path}restore/", headers=tenant.owner, json={"name": "back"}
    )
    assert restored.status_code == 202, restored.text
    back = await storage.settled(f"/api/openstack-volumes/{restored.json()['uuid']}/", tenant.owner)
    assert (back["state"], back["size"]) == ("OK", 1024)
    inventory = await storage.clouds.inventory(tenant.project_id)
    assert sorted(v["name"] for v in inventory["volumes"]) == ["back", "precious"]

    assert await _expire(storage) == 0  # not yet
    async with storage.database.session() as session:
        await session.execute(
            text("UPDATE backups SET kept_until = now() - interval '1 minute' WHERE uuid = :u"),
            {"u": backup["uuid"]},
        )
    assert await _expire(storage) == 1
    await storage.settled(path, tenant.owner, "GONE")
    assert (await storage.clouds.inventory(tenant.project_id))["backups"] == []


async def _expire(storage: Storage) -> int:
    return await expire_copies({"database": storage.database})
