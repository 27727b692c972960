"""An instance through compute's API against an emulated cloud, with storage making its
volumes: provisioned with a system and a data volume, a fixed IP and a floating IP;
stopped, started, restarted and resized; a volume attached and detached; deleted
keeping its volumes, and force-destroyed taking them along."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from .conftest import Cloudyard, Tenant


def public_key() -> str:
    """A fresh OpenSSH public key."""
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    raw = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return f"{raw.decode()} tester"


def instance_body(tenant: Tenant, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "tenant": str(tenant.uuid),
        "name": name,
        "flavor": "m1.small",
        "image": "cirros-0.6.2-x86_64-disk",
        "system_volume_size": 2048,
        "system_volume_type": "ssd",
        "ports": [{"fixed_ips": [{"ip_address": "10.20.0.50"}]}],
        **extra,
    }


async def _created(cloudyard: Cloudyard, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    response = await cloudyard.client.post(
        "/api/openstack-instances/", headers=tenant.owner, json=body
    )
    assert response.status_code == 202, response.text
    return await cloudyard.settled(
        f"/api/openstack-instances/{response.json()['uuid']}/", tenant.owner
    )


async def _act(
    cloudyard: Cloudyard, tenant: Tenant, instance: dict[str, Any], action: str, **body: Any
) -> dict[str, Any]:
    path = f"/api/openstack-instances/{instance['uuid']}/"
    response = await cloudyard.client.post(f"{path}{action}/", headers=tenant.owner, json=body)
    assert response.status_code == 202, response.text
    return await cloudyard.settled(path, tenant.owner)


async def test_an_instance_is_provisioned_and_driven(cloudyard: Cloudyard, tenant: Tenant) -> None:
    instance = await _created(
        cloudyard,
        tenant,
        instance_body(
            tenant,
            "web",
            data_volume_size=1024,
            data_volume_type="hdd",
            floating_ips=[{}],
            ssh_public_key=public_key(),
            user_data="#cloud-config\n",
        ),
    )
    assert instance["state"] == "OK", instance["error_message"]
    assert (instance["state"], instance["runtime_state"], instance["error_message"]) == (
        "OK",
        "ACTIVE",
        "",
    )
    assert instance["internal_ips"] == ["10.20.0.50"]
    assert len(instance["external_ips"]) == 1
    assert sorted((v["name"], v["size"], v["bootable"]) for v in instance["volumes"]) == [
        ("web-data", 1024, False),
        ("web-system", 2048, True),
    ]
    inventory = await cloudyard.clouds.inventory(tenant.project_id)
    (server,) = inventory["servers"]
    assert (server["name"], server["status"], server["flavor_id"]) == ("web", "ACTIVE", "2")
    assert sorted(server["addresses"]["int-net"]) == sorted(
        ["10.20.0.50", *instance["external_ips"]]
    )
    assert sorted((v["name"], v["status"], v["size"]) for v in inventory["volumes"]) == [
        ("web-data", "in-use", 1),
        ("web-system", "in-use", 2),
    ]
    assert [f["floating_ip_address"] for f in inventory["floating_ips"]] == instance["external_ips"]
    assert server["key_name"] == instance["key_name"]

    console = await cloudyard.client.get(
        f"/api/openstack-instances/{instance['uuid']}/console/", headers=tenant.owner
    )
    assert console.status_code == 200, console.text
    assert console.json()["url"].startswith("http")

    busy = await cloudyard.client.delete(
        f"/api/openstack-instances/{instance['uuid']}/", headers=tenant.owner
    )
    assert busy.status_code == 409  # running: stop it first

    instance = await _act(cloudyard, tenant, instance, "stop")
    assert instance["runtime_state"] == "SHUTOFF"
    instance = await _act(cloudyard, tenant, instance, "start")
    assert instance["runtime_state"] == "ACTIVE"
    instance = await _act(cloudyard, tenant, instance, "restart")
    assert instance["runtime_state"] == "ACTIVE"
    instance = await _act(cloudyard, tenant, instance, "stop")
    instance = await _act(cloudyard, tenant, instance, "change_flavor", flavor="m1.medium")
    assert (instance["state"], instance["flavor_name"]) == ("OK", "m1.medium")
    server = (await cloudyard.clouds.inventory(tenant.project_id))["servers"][0]
    assert server["flavor_id"] == "3"

    made = await cloudyard.storage.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": "third", "size": 1024},
    )
    third = await cloudyard.settled(f"/api/openstack-volumes/{made.json()['uuid']}/", tenant.owner)
    instance = await _act(cloudyard, tenant, instance, "attach_volume", volume=third["url"])
    assert "third" in {v["name"] for v in instance["volumes"]}
    inventory = await cloudyard.clouds.inventory(tenant.project_id)
    third_cloud = next(v for v in inventory["volumes"] if v["name"] == "third")
    assert third_cloud["attached_to"] == [server["id"]]
    instance = await _act(cloudyard, tenant, instance, "detach_volume", volume=third["uuid"])
    assert "third" not in {v["name"] for v in instance["volumes"]}

    path = f"/api/openstack-instances/{instance['uuid']}/"
    deleted = await cloudyard.client.delete(path, headers=tenant.owner)
    assert deleted.status_code == 202, deleted.text
    await cloudyard.settled(path, tenant.owner, "GONE")
    inventory = await cloudyard.clouds.inventory(tenant.project_id)
    assert inventory["servers"] == []
    assert inventory["floating_ips"] == []
    assert [p for p in inventory["ports"] if p["device_owner"].startswith("compute")] == []
    assert sorted((v["name"], v["status"]) for v in inventory["volumes"]) == [
        ("third", "available"),
        ("web-data", "available"),
        ("web-system", "available"),
    ]
    volumes = await cloudyard.storage.get(
        f"/api/openstack-volumes/?tenant_uuid={tenant.uuid}", headers=tenant.owner
    )
    assert sorted((v["name"], v["instance_uuid"]) for v in volumes.json()) == [
        ("third", None),
        ("web-data", None),
        ("web-system", None),
    ]


async def test_force_destroy_takes_the_volumes_along(cloudyard: Cloudyard, tenant: Tenant) -> None:
    instance = await _created(cloudyard, tenant, instance_body(tenant, "db", data_volume_size=1024))
    assert instance["state"] == "OK", instance["error_message"]
    instance = await _act(cloudyard, tenant, instance, "stop")
    path = f"/api/openstack-instances/{instance['uuid']}/"
    response = await cloudyard.client.post(f"{path}force_destroy/", headers=tenant.owner)
    assert response.status_code == 202, response.text
    await cloudyard.settled(path, tenant.owner, "GONE")
    inventory = await cloudyard.clouds.inventory(tenant.project_id)
    assert (inventory["servers"], inventory["volumes"]) == ([], [])
    assert [p for p in inventory["ports"] if p["device_owner"] != "network:router_interface"] == []
