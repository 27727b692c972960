"""An instance's whole life through the gateway, every process running against the
emulator: made with a system and a data volume, a fixed IP and a floating IP; stopped,
started, restarted and resized; a third volume attached, detached, snapshotted, backed
up and restored both ways; deleted keeping its volumes; another force-destroyed with
its volumes. After each step the emulator's inventory is what the API says."""

from __future__ import annotations

import pytest

from stackyard_common.testing.platform import RunningPlatform

from .instances import INSTANCES, VOLUMES, TenantUnderTest, provisioned_tenant
from .journey import Journey

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def tenant(platform: RunningPlatform) -> TenantUnderTest:
    return provisioned_tenant(Journey.start(platform), "Instances", "192.168.91.0/24")


def test_an_instance_from_birth_to_force_destroy(tenant: TenantUnderTest) -> None:
    owner = tenant.owner
    fixed_ip = f"{tenant.cidr_prefix}.50"
    made = owner.post(
        INSTANCES,
        json=tenant.instance_body(
            "web",
            data_volume_size=1024,
            data_volume_type="hdd",
            ports=[{"fixed_ips": [{"ip_address": fixed_ip}]}],
            floating_ips=[{}],
        ),
    )
    assert made.status_code == 202, made.text
    assert made.json()["state"] == "CREATION_SCHEDULED"
    instance = tenant.settled(f"{INSTANCES}{made.json()['uuid']}/")
    assert (instance["state"], instance["error_message"]) == ("OK", "")
    assert instance["runtime_state"] == "ACTIVE"
    assert instance["progress"]["text"] == "step 12 of 12: mark-ok (succeeded)"
    assert instance["internal_ips"] == [fixed_ip]
    assert len(instance["external_ips"]) == 1
    # The port and the floating IP are network's records (its internal API made them).
    port = owner.get(f"/api/openstack-ports/{instance['ports'][0]['uuid']}/").json()
    assert (port["backend_id"], port["state"]) == (instance["ports"][0]["backend_id"], "OK")
    floating = instance["floating_ips"][0]
    assert owner.get(f"/api/openstack-floating-ips/{floating['uuid']}/").status_code == 200
    shape = tenant.in_step()
    assert len(shape["volumes"]) == 2
    assert {volume[2] for volume in shape["volumes"]} == {"in-use"}

    stopped = tenant.act(instance, "stop")
    assert stopped["runtime_state"] == "SHUTOFF"
    tenant.in_step()
    assert tenant.act(instance, "start")["runtime_state"] == "ACTIVE"
    tenant.in_step()
    assert tenant.act(instance, "restart")["runtime_state"] == "ACTIVE"
    tenant.in_step()
    tenant.act(instance, "stop")
    resized = tenant.act(instance, "change_flavor", flavor="m1.medium")
    assert (resized["state"], resized["flavor_name"], resized["cores"]) == ("OK", "m1.medium", 2)
    inventory = tenant.journey.inventory(tenant.tenant["backend_id"]) or {}
    assert [server["flavor_id"] for server in inventory["servers"]] == ["3"]
    tenant.in_step()

    third = owner.post(VOLUMES, json={"tenant": tenant.uuid, "name": "third", "size": 1024})
    assert third.status_code == 202, third.text
    volume = tenant.settled(f"{VOLUMES}{third.json()['uuid']}/")
    assert (volume["state"], volume["runtime_state"]) == ("OK", "available")
    tenant.in_step()
    attached = tenant.act(instance, "attach_volume", volume=volume["url"])
    assert "third" in {v["name"] for v in attached["volumes"]}
    assert tenant.settled(f"{VOLUMES}{volume['uuid']}/")["instance_uuid"] == instance["uuid"]
    tenant.in_step()
    detached = tenant.act(instance, "detach_volume", volume=volume["uuid"])
    assert "third" not in {v["name"] for v in detached["volumes"]}
    tenant.in_step()

    for kind in ("snapshots", "backups"):
        copy = owner.post(
            f"/api/openstack-{kind}/",
            json={"source_volume": volume["url"], "name": f"third-{kind}"},
        )
        assert copy.status_code == 202, copy.text
        copy_path = f"/api/openstack-{kind}/{copy.json()['uuid']}/"
        assert tenant.settled(copy_path)["state"] == "OK"
        tenant.in_step()
        restored = owner.post(f"{copy_path}restore/", json={"name": f"from-{kind}"})
        assert restored.status_code == 202, restored.text
        new_volume = tenant.settled(f"{VOLUMES}{restored.json()['uuid']}/")
        assert (new_volume["state"], new_volume["size"]) == ("OK", 1024)
        tenant.in_step()

    path = f"{INSTANCES}{instance['uuid']}/"
    assert owner.delete(path).status_code == 202
    assert tenant.settled(path, "GONE")["state"] == "GONE"
    shape = tenant.in_step()
    assert shape["servers"] == []
    assert shape["floating_ips"] == []
    assert len(shape["volumes"]) == 5  # system, data, third and the two restored
    assert {volume[2:] for volume in shape["volumes"]} == {("available", None)}

    second = owner.post(INSTANCES, json=tenant.instance_body("db", data_volume_size=1024))
    doomed = tenant.settled(f"{INSTANCES}{second.json()['uuid']}/")
    assert doomed["state"] == "OK", doomed["error_message"]
    tenant.in_step()
    running = owner.post(f"{INSTANCES}{doomed['uuid']}/force_destroy/")
    assert running.status_code == 409  # only a stopped instance goes
    tenant.act(doomed, "stop")
    assert owner.post(f"{INSTANCES}{doomed['uuid']}/force_destroy/").status_code == 202
    tenant.settled(f"{INSTANCES}{doomed['uuid']}/", "GONE")
    after = tenant.in_step()
    assert after["servers"] == []
    assert len(after["volumes"]) == 5  # the second instance's two went with it
    names = {v["name"] for v in owner.get(f"{VOLUMES}?tenant_uuid={tenant.uuid}").json()}
    assert not {"db-system", "db-data"} & names
