"""Cinder through openstacksdk: volumes, actions, snapshots, backups, types, quotas."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openstack import exceptions

from .conftest import Running, Tenant, raw_token

WAIT = 10


def _wait(conn: Any, resource: Any, status: str = "available") -> Any:
    return conn.block_storage.wait_for_status(resource, status, wait=WAIT, interval=0.05)


def test_volume_sources_types_and_zones(tenant: Tenant) -> None:
    bs = tenant.conn.block_storage
    empty = bs.create_volume(
        size=1, name="empty", volume_type="ssd", availability_zone="nova", metadata={"tier": "gold"}
    )
    assert empty.status == "creating"
    empty = _wait(tenant.conn, empty)
    assert empty.volume_type == "ssd"
    assert empty.is_bootable is False
    assert empty.metadata == {"tier": "gold"}
    image = tenant.conn.image.find_image("ubuntu-22.04-server")
    from_image = _wait(tenant.conn, bs.create_volume(size=3, name="boot", image_id=image.id))
    assert from_image.is_bootable is True
    assert from_image.volume_image_metadata["image_id"] == image.id
    with pytest.raises(exceptions.BadRequestException, match="minDisk"):
        bs.create_volume(size=1, image_id=image.id)
    snapshot = bs.create_snapshot(volume_id=empty.id, name="snap")
    snapshot = _wait(tenant.conn, snapshot)
    assert snapshot.size == 1
    from_snapshot = _wait(tenant.conn, bs.create_volume(snapshot_id=snapshot.id, name="copy"))
    assert from_snapshot.size == 1
    assert from_snapshot.snapshot_id == snapshot.id
    assert from_snapshot.volume_type == "ssd"
    with pytest.raises(exceptions.BadRequestException):
        bs.delete_volume(empty)  # it has a snapshot
    with pytest.raises(exceptions.BadRequestException, match="Availability zone"):
        bs.create_volume(size=1, availability_zone="elsewhere")
    with pytest.raises(exceptions.NotFoundException):
        bs.create_volume(size=1, volume_type="gold")
    assert {t.name for t in bs.types()} == {"__DEFAULT__", "ssd", "hdd"}
    assert [z.name for z in bs.availability_zones()] == ["nova"]
    listed = {v.name for v in bs.volumes(details=True)}
    assert listed == {"empty", "boot", "copy"}
    assert [v.name for v in bs.volumes(name="boot")] == ["boot"]
    assert [v.id for v in bs.volumes(status="available", limit=1)]
    bs.delete_snapshot(snapshot)
    bs.delete_volume(empty)
    bs.wait_for_delete(empty, wait=WAIT, interval=0.05)
    with pytest.raises(exceptions.NotFoundException):
        bs.get_volume(empty.id)


def test_extend_and_pagination(tenant: Tenant) -> None:
    bs = tenant.conn.block_storage
    made = [_wait(tenant.conn, bs.create_volume(size=1, name=f"v{i}")) for i in range(4)]
    raw = bs.get("/volumes/detail?limit=2").json()
    assert [v["id"] for v in raw["volumes"]] == [made[3].id, made[2].id]
    assert raw["volumes_links"][0]["rel"] == "next"
    assert [v.id for v in bs.volumes(limit=2)] == [v.id for v in reversed(made)]
    bs.extend_volume(made[0], 5)
    assert bs.get_volume(made[0].id).status == "extending"
    extended = _wait(tenant.conn, bs.get_volume(made[0].id))
    assert extended.size == 5
    with pytest.raises(exceptions.BadRequestException, match="greater than current size"):
        bs.extend_volume(made[0], 2)


def test_backups_and_restore(tenant: Tenant) -> None:
    bs = tenant.conn.block_storage
    volume = _wait(tenant.conn, bs.create_volume(size=2, name="precious"))
    backup = bs.create_backup(volume_id=volume.id, name="nightly")
    assert bs.get_volume(volume.id).status == "backing-up"
    backup = _wait(tenant.conn, bs.get_backup(backup.id))
    assert backup.size == 2
    assert backup.volume_id == volume.id
    _wait(tenant.conn, bs.get_volume(volume.id))
    incremental = _wait(
        tenant.conn, bs.create_backup(volume_id=volume.id, is_incremental=True, name="inc")
    )
    assert bs.get_backup(incremental.id).is_incremental is True
    with pytest.raises(exceptions.BadRequestException, match="Incremental backups exist"):
        bs.delete_backup(backup)
    restored = bs.restore_backup(backup, name="restored")
    new_volume = bs.get_volume(restored["volume_id"])
    assert new_volume.status == "restoring-backup"
    assert _wait(tenant.conn, new_volume).size == 2
    _wait(tenant.conn, bs.get_backup(backup.id))
    assert [b.name for b in bs.backups(details=True, name="nightly")] == ["nightly"]
    bs.delete_backup(incremental)
    bs.delete_backup(backup)
    assert {b.id for b in bs.backups()} == set()


def test_quota_sets_per_type_and_limits(emulator: Running, admin: Any, tenant: Tenant) -> None:
    bs = tenant.conn.block_storage
    defaults = bs.get_quota_set_defaults(tenant.project_id)
    assert defaults.volumes == 10
    assert defaults.gigabytes == 1000
    admin.block_storage.update_quota_set(tenant.project_id, volumes_ssd=1, gigabytes=5)
    quota = bs.get_quota_set(tenant.project_id)
    assert quota.volumes == 10
    assert quota.gigabytes == 5
    assert quota.volumes_ssd == 1
    assert quota.snapshots_hdd == -1
    _wait(tenant.conn, bs.create_volume(size=1, volume_type="ssd"))
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    url = f"{emulator.url}/volume/v3/{tenant.project_id}/volumes"
    headers = {"X-Auth-Token": token}
    refused = httpx.post(url, json={"volume": {"size": 1, "volume_type": "ssd"}}, headers=headers)
    assert refused.status_code == 413
    assert "volumes_ssd" in refused.json()["overLimit"]["message"]
    too_big = httpx.post(url, json={"volume": {"size": 5}}, headers=headers)
    assert too_big.status_code == 413
    assert "gigabytes quota" in too_big.json()["overLimit"]["message"]
    usage = bs.get_quota_set(tenant.project_id, usage=True)
    assert usage.usage["volumes"] == 1
    assert usage.usage["gigabytes"] == 1
    limits = bs.get_limits()
    assert limits.absolute.max_total_volume_gigabytes == 5
    assert limits.absolute.total_volumes_used == 1
    with pytest.raises(exceptions.ForbiddenException):
        bs.update_quota_set(tenant.project_id, volumes=50)


def test_cinder_errors_and_microversions(emulator: Running, tenant: Tenant) -> None:
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    base = f"{emulator.url}/volume/v3/{tenant.project_id}"
    missing = httpx.get(f"{base}/volumes/nope", headers={"X-Auth-Token": token})
    assert missing.status_code == 404
    assert missing.json() == {
        "itemNotFound": {"code": 404, "message": "Volume nope could not be found."}
    }
    versioned = httpx.get(
        f"{base}/volumes", headers={"X-Auth-Token": token, "OpenStack-API-Version": "volume 3.60"}
    )
    assert versioned.headers["OpenStack-API-Version"] == "volume 3.60"
    root = httpx.get(f"{emulator.url}/volume/")
    assert root.status_code == 300
    assert root.json()["versions"][0]["version"] == "3.70"
