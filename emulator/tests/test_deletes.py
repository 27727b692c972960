"""Deletes take a while, as in Nova and Cinder: ``deleting`` is visible, then the 404."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import DELAY, Running, Tenant, raw_token

DELETE_DELAY = 0.8  # long enough to look at the deleting state in a few calls
WAIT = 10


@pytest.fixture
def slow_deletes(emulator: Running) -> Iterator[None]:
    with emulator.control() as control:
        response = control.patch("/settings", json={"delays": {"delete": DELETE_DELAY}})
        assert response.status_code == 200
        try:
            yield
        finally:
            control.patch("/settings", json={"delays": {"delete": DELAY}})


@pytest.fixture
def api(emulator: Running, tenant: Tenant) -> Iterator[httpx.Client]:
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    with httpx.Client(base_url=emulator.url, headers={"X-Auth-Token": token}, timeout=30) as client:
        yield client


def _until(check: Any, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.05)


def _boot(api: httpx.Client, tenant: Tenant, name: str) -> str:
    conn = tenant.conn
    network = conn.network.find_network("del-net") or conn.network.create_network(name="del-net")
    if not network.subnet_ids:
        conn.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.30.0.0/24")
    image = conn.image.find_image("cirros-0.6.2-x86_64-disk")
    created = api.post(
        "/compute/v2.1/servers",
        json={
            "server": {
                "name": name,
                "flavorRef": "1",
                "imageRef": image.id,
                "networks": [{"uuid": network.id}],
            }
        },
    )
    assert created.status_code == 202, created.text
    server_id: str = created.json()["server"]["id"]
    _until(
        lambda: api.get(f"/compute/v2.1/servers/{server_id}").json()["server"]["status"] == "ACTIVE"
    )
    return server_id


@pytest.mark.usefixtures("slow_deletes")
def test_a_deleted_server_is_deleting_then_gone(api: httpx.Client, tenant: Tenant) -> None:
    server_id = _boot(api, tenant, "doomed")
    assert tenant.conn.network.ports(device_id=server_id)
    project = tenant.project_id
    used = api.get(f"/compute/v2.1/os-quota-sets/{project}/detail").json()["quota_set"]
    assert used["instances"]["in_use"] == 1

    assert api.delete(f"/compute/v2.1/servers/{server_id}").status_code == 204
    shown = api.get(f"/compute/v2.1/servers/{server_id}").json()["server"]
    assert shown["OS-EXT-STS:task_state"] == "deleting"
    assert shown["status"] == "ACTIVE"
    assert server_id in [s["id"] for s in api.get("/compute/v2.1/servers").json()["servers"]]
    # The network is given back first; the quota only when the server is gone.
    assert list(tenant.conn.network.ports(device_id=server_id)) == []
    used = api.get(f"/compute/v2.1/os-quota-sets/{project}/detail").json()["quota_set"]
    assert used["instances"]["in_use"] == 1
    stop = api.post(f"/compute/v2.1/servers/{server_id}/action", json={"os-stop": None})
    assert stop.status_code == 409
    assert "task_state deleting" in stop.json()["conflictingRequest"]["message"]
    assert api.delete(f"/compute/v2.1/servers/{server_id}").status_code == 204  # again: no-op

    _until(lambda: api.get(f"/compute/v2.1/servers/{server_id}").status_code == 404)
    assert server_id not in [s["id"] for s in api.get("/compute/v2.1/servers").json()["servers"]]
    used = api.get(f"/compute/v2.1/os-quota-sets/{project}/detail").json()["quota_set"]
    assert used["instances"]["in_use"] == 0
    assert used["cores"]["in_use"] == 0


@pytest.mark.usefixtures("slow_deletes")
def test_a_deleted_volume_is_deleting_then_gone(api: httpx.Client, tenant: Tenant) -> None:
    base = f"/volume/v3/{tenant.project_id}/volumes"
    created = api.post(base, json={"volume": {"size": 1, "name": "doomed"}})
    assert created.status_code == 202, created.text
    volume_id = created.json()["volume"]["id"]
    _until(lambda: api.get(f"{base}/{volume_id}").json()["volume"]["status"] == "available")

    assert api.delete(f"{base}/{volume_id}").status_code == 202
    assert api.get(f"{base}/{volume_id}").json()["volume"]["status"] == "deleting"
    assert [v["id"] for v in api.get(base).json()["volumes"]] == [volume_id]
    again = api.delete(f"{base}/{volume_id}")
    assert again.status_code == 400  # Cinder: status must be available or error
    extend = api.post(f"{base}/{volume_id}/action", json={"os-extend": {"new_size": 2}})
    assert extend.status_code == 400

    _until(lambda: api.get(f"{base}/{volume_id}").status_code == 404)
    assert api.get(base).json()["volumes"] == []
    limits = api.get(f"/volume/v3/{tenant.project_id}/limits").json()["limits"]["absolute"]
    assert limits["totalVolumesUsed"] == 0


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_listing_skips_nothing_while_deletes_settle(
    api: httpx.Client, tenant: Tenant, order: str
) -> None:
    # A delete settles inside the listing's walk; its neighbours must still be listed.
    ids = [_boot(api, tenant, f"vm-{i}") for i in range(3)]
    assert api.delete(f"/compute/v2.1/servers/{ids[1]}").status_code == 204
    time.sleep(DELAY * 3)
    listed = api.get(f"/compute/v2.1/servers?sort_dir={order}").json()["servers"]
    expected = [ids[0], ids[2]] if order == "asc" else [ids[2], ids[0]]
    assert [s["id"] for s in listed] == expected
