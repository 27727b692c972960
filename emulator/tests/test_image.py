"""Glance through openstacksdk: create, streamed upload, download, patch, list, delete."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import httpx
import pytest
from openstack import exceptions

from .conftest import Running, Tenant, raw_token


def test_upload_download_checksums_and_statuses(emulator: Running, tenant: Tenant) -> None:
    conn = tenant.conn
    data = b"\x00\x01stackyard" * 50_000
    image = conn.image.create_image(
        name="custom",
        data=io.BytesIO(data),
        disk_format="raw",
        container_format="bare",
        tags=["mine"],
        os_distro="debian",
    )
    image = conn.image.get_image(image.id)
    assert image.status == "active"
    assert image.size == len(data)
    assert image.checksum == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert image.hash_algo == "sha512"
    assert image.hash_value == hashlib.sha512(data).hexdigest()
    assert image.visibility == "shared"
    assert image.owner_id == tenant.project_id
    assert image.os_distro == "debian"
    assert image.tags == ["mine"]
    downloaded = conn.image.download_image(image)
    assert downloaded.content == data
    queued = conn.image.create_image(
        name="empty-one", disk_format="qcow2", container_format="bare", allow_duplicates=True
    )
    assert conn.image.get_image(queued.id).status == "queued"
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    nothing = httpx.get(
        f"{emulator.url}/image/v2/images/{queued.id}/file", headers={"X-Auth-Token": token}
    )
    assert nothing.status_code == 204
    again = httpx.put(
        f"{emulator.url}/image/v2/images/{image.id}/file",
        content=b"x",
        headers={"X-Auth-Token": token, "Content-Type": "application/octet-stream"},
    )
    assert again.status_code == 409


def test_seeded_image_downloads_match_their_checksum(admin: Any) -> None:
    image = admin.image.find_image("cirros-0.6.2-x86_64-disk")
    assert image.status == "active"
    assert image.visibility == "public"
    content = admin.image.download_image(image).content
    assert len(content) == image.size
    assert hashlib.md5(content, usedforsecurity=False).hexdigest() == image.checksum


def test_patch_tags_visibility_and_delete(tenant: Tenant, emulator: Running) -> None:
    conn = tenant.conn
    image = conn.image.create_image(
        name="patchme", disk_format="qcow2", container_format="bare", allow_duplicates=True
    )
    conn.image.update_image(
        image, name="patched", min_ram=256, hw_disk_bus="scsi", x_team="storage"
    )
    image = conn.image.get_image(image.id)
    assert image.name == "patched"
    assert image.min_ram == 256
    assert image.hw_disk_bus == "scsi"
    assert image.properties["x_team"] == "storage"
    conn.image.add_tag(image, "gold")
    assert conn.image.get_image(image.id).tags == ["gold"]
    conn.image.remove_tag(image, "gold")
    assert conn.image.get_image(image.id).tags == []
    with pytest.raises(exceptions.ForbiddenException):
        conn.image.update_image(image, visibility="public")
    image = conn.image.get_image(image.id)  # drop the refused change from the local copy
    assert image.visibility == "shared"
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    read_only = httpx.patch(
        f"{emulator.url}/image/v2/images/{image.id}",
        json=[{"op": "replace", "path": "/status", "value": "active"}],
        headers={
            "X-Auth-Token": token,
            "Content-Type": "application/openstack-images-v2.1-json-patch",
        },
    )
    assert read_only.status_code == 403
    conn.image.update_image(image, is_protected=True)
    with pytest.raises(exceptions.ForbiddenException, match="protected"):
        conn.image.delete_image(image)
    conn.image.update_image(image, is_protected=False)
    conn.image.delete_image(image)
    with pytest.raises(exceptions.NotFoundException):
        conn.image.get_image(image.id)


def test_list_limit_marker_and_visibility(tenant: Tenant, admin: Any) -> None:
    conn = tenant.conn
    made = [
        conn.image.create_image(
            name=f"img-{i}", disk_format="raw", container_format="bare", allow_duplicates=True
        )
        for i in range(5)
    ]
    raw = conn.image.get("/images?limit=2").json()
    assert [i["id"] for i in raw["images"]] == [made[4].id, made[3].id]
    assert raw["next"].startswith("/v2/images?")
    assert "marker=" in raw["next"]
    listed = [i.id for i in conn.image.images(limit=2)]
    assert listed[:5] == [i.id for i in reversed(made)]
    assert "cirros-0.6.2-x86_64-disk" in {i.name for i in conn.image.images()}
    mine = {i.id for i in conn.image.images(owner=tenant.project_id)}
    assert mine == {i.id for i in made}
    assert tenant.conn.image.find_image("cirros-0.6.2-x86_64-disk") is not None
    other = admin.identity.create_project(name=f"{tenant.project_name}-x", domain_id="default")
    private = admin.image.create_image(
        name="admin-private",
        disk_format="raw",
        container_format="bare",
        visibility="private",
        allow_duplicates=True,
        owner=other.id,
    )
    assert conn.image.find_image(private.id) is None
