"""The command line, custom seeds, image bytes not kept, and a few less common operations."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import openstack
import pytest
from openstack import exceptions

from .conftest import Running, Tenant, free_port, raw_token, start_emulator

SEED = """
admin: {user: root, password: rootpw, project: ops, domain: Default}
projects: [{name: team, domain: Default}]
users:
  - {name: alice, password: alicepw, domain: Default, default_project: team,
     roles: [{project: team, role: member}]}
compute:
  availability_zones: {az1: [host-a], az2: [host-b]}
  flavors: [{id: small, name: s1, vcpus: 1, ram: 256, disk: 1}]
"""


def test_command_line_runs_a_seeded_cloud(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "stackyard_emulator",
        "--port",
        str(port),
        "--name",
        "cloud-cli",
        "--seed",
        str(seed),
        "--token-lifetime",
        "120",
        "--delay",
        "0",
    ]
    process = subprocess.Popen(command)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                info = httpx.get(f"{base}/_emulator").json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert info["name"] == "cloud-cli"
        settings = httpx.get(f"{base}/_emulator/settings").json()
        assert settings["token_lifetime"] == 120
        assert settings["delays"]["build"] == 0
        conn = openstack.connection.Connection(
            auth_url=f"{base}/identity",
            username="alice",
            password="alicepw",
            project_name="team",
            user_domain_name="Default",
            project_domain_name="Default",
            region_name="RegionOne",
        )
        assert [f.name for f in conn.compute.flavors()] == ["s1"]
        assert sorted(z.name for z in conn.compute.availability_zones()) == ["az1", "az2"]
        assert [n.name for n in conn.network.networks()] == ["public"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_image_bytes_are_not_kept_without_an_image_dir() -> None:
    running = start_emulator("no-bytes")
    try:
        conn = running.connect()
        data = b"abc" * 1000
        image = conn.image.create_image(
            name="thin", data=io.BytesIO(data), disk_format="raw", container_format="bare"
        )
        image = conn.image.get_image(image.id)
        assert image.status == "active"
        assert image.size == len(data)
        token, _ = raw_token(running)
        download = httpx.get(
            f"{running.url}/image/v2/images/{image.id}/file", headers={"X-Auth-Token": token}
        )
        assert download.status_code == 204
    finally:
        running.stop()


def test_access_as_external_rbac(admin: Any, tenant: Tenant) -> None:
    owner = admin.identity.create_project(name=f"{tenant.project_name}-ext", domain_id="default")
    network = admin.network.create_network(name="partner-ext", project_id=owner.id)
    admin.network.create_subnet(
        network_id=network.id, ip_version=4, cidr="198.51.100.0/24", project_id=owner.id
    )
    assert tenant.conn.network.find_network("partner-ext") is None
    admin.network.create_rbac_policy(
        object_type="network",
        object_id=network.id,
        action="access_as_external",
        target_project_id=tenant.project_id,
    )
    seen = tenant.conn.network.find_network("partner-ext")
    assert seen.is_router_external is True
    fip = tenant.conn.network.create_ip(floating_network_id=network.id)
    assert fip.floating_ip_address.startswith("198.51.100.")


def test_volume_type_management(admin: Any, tenant: Tenant) -> None:
    vtype = admin.block_storage.create_type(
        name="nvme", description="fast", extra_specs={"volume_backend_name": "nvme"}
    )
    assert admin.block_storage.get_type(vtype.id).extra_specs == {"volume_backend_name": "nvme"}
    admin.block_storage.update_type_extra_specs(vtype, replication="true")
    assert admin.block_storage.get_type(vtype.id).extra_specs["replication"] == "true"
    assert "nvme" in {t.name for t in tenant.conn.block_storage.types()}
    quota = tenant.conn.block_storage.get_quota_set(tenant.project_id)
    assert quota.volumes_nvme == -1
    with pytest.raises(exceptions.ForbiddenException):
        tenant.conn.block_storage.create_type(name="mine")
    admin.block_storage.delete_type(vtype)
    assert admin.block_storage.find_type("nvme") is None


def test_keypair_import_and_conflict(tenant: Tenant) -> None:
    public = (
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        " user@example"
    )
    keypair = tenant.conn.compute.create_keypair(name="imported", public_key=public)
    assert keypair.fingerprint.count(":") == 15
    assert tenant.conn.compute.get_keypair("imported").public_key == public
    with pytest.raises(exceptions.ConflictException):
        tenant.conn.compute.create_keypair(name="imported", public_key=public)
    with pytest.raises(exceptions.BadRequestException):
        tenant.conn.compute.create_keypair(name="broken", public_key="not a key")
    tenant.conn.compute.delete_keypair("imported")
    assert list(tenant.conn.compute.keypairs()) == []


def test_token_method_rescopes(emulator: Running) -> None:
    unscoped, _ = raw_token(emulator, project=None)
    body = {
        "auth": {
            "identity": {"methods": ["token"], "token": {"id": unscoped}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
        }
    }
    response = httpx.post(f"{emulator.auth_url}/v3/auth/tokens", json=body)
    assert response.status_code == 201
    assert response.json()["token"]["methods"] == ["token"]
