"""Flavors and zones per tenant, server groups, what a new instance is checked for, and
`OpenStack.Instance` orders."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from stackyard_common.auth import issue_service_token
from stackyard_common.events import Envelope
from stackyard_compute.common.settings import compute_settings
from stackyard_compute.instances.ordering import handle_request

from .conftest import Cloudyard, Tenant
from .test_instance_lifecycle import instance_body


async def test_flavors_filter_by_tenant_cores_and_ram(cloudyard: Cloudyard, tenant: Tenant) -> None:
    listed = await cloudyard.client.get(
        f"/api/openstack-flavors/?tenant_uuid={tenant.uuid}&cores_gte=2&ram_lte=4096",
        headers=tenant.owner,
    )
    assert listed.status_code == 200
    assert [(f["name"], f["cores"], f["ram"]) for f in listed.json()] == [("m1.medium", 2, 4096)]
    stranger = await cloudyard.client.get(
        f"/api/openstack-flavors/?tenant_uuid={tenant.uuid}", headers=cloudyard.headers()
    )
    assert stranger.json() == []
    zones = await cloudyard.client.get(
        f"/api/openstack-instance-availability-zones/?tenant_uuid={tenant.uuid}",
        headers=tenant.owner,
    )
    assert [zone["name"] for zone in zones.json()] == ["nova"]


async def test_server_groups_are_made_used_and_deleted(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    made = await cloudyard.client.post(
        "/api/openstack-server-groups/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": "spread", "policy": "anti-affinity"},
    )
    assert made.status_code == 202, made.text
    path = f"/api/openstack-server-groups/{made.json()['uuid']}/"
    group = await cloudyard.settled(path, tenant.owner)
    assert (group["state"], group["policy"]) == ("OK", "anti-affinity")
    inventory = await cloudyard.clouds.inventory(tenant.project_id)
    assert [(g["name"], g["policy"]) for g in inventory["server_groups"]] == [
        ("spread", "anti-affinity")
    ]
    response = await cloudyard.client.post(
        "/api/openstack-instances/",
        headers=tenant.owner,
        json=instance_body(tenant, "member", server_group=group["url"]),
    )
    instance = await cloudyard.settled(
        f"/api/openstack-instances/{response.json()['uuid']}/", tenant.owner
    )
    assert instance["server_group"] == group["url"]
    server = (await cloudyard.clouds.inventory(tenant.project_id))["servers"][0]
    assert server["server_groups"] == [group["backend_id"]]


async def test_a_request_the_tenant_cannot_take_is_refused(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    wrong = await cloudyard.client.post(
        "/api/openstack-instances/",
        headers=tenant.owner,
        json=instance_body(
            tenant, "bad", flavor="m9.huge", availability_zone="mars", system_volume_type="gold"
        ),
    )
    assert wrong.status_code == 400
    assert wrong.json() == {
        "flavor": ["No such flavor in the tenant."],
        "availability_zone": ["No such availability zone."],
    }
    await cloudyard.clouds.admin.volume.set_quotas(tenant.project_id, gigabytes=1)
    over = await cloudyard.client.post(
        "/api/openstack-instances/", headers=tenant.owner, json=instance_body(tenant, "big")
    )
    assert over.status_code == 400
    assert list(over.json()) == ["system_volume_size"]
    assert "quota 'storage'" in over.json()["system_volume_size"][0]
    service = {"Authorization": f"Bearer {issue_service_token(cloudyard.settings, 'marketplace')}"}
    checked = await cloudyard.client.post(
        "/internal/instances/validate",
        headers=service,
        json={"tenant_uuid": str(tenant.uuid), "attributes": {"name": "x", "flavor": "m1.tiny"}},
    )
    assert checked.status_code == 400
    assert set(checked.json()["attributes"]) == {"image", "system_volume_size", "ports"}


async def _request(cloudyard: Cloudyard, kind: str, **payload: Any) -> None:
    envelope = Envelope(type=f"instance.{kind}_requested.v1", source="marketplace", payload=payload)
    async with cloudyard.compute_db.session() as session:
        await handle_request(envelope, session)


async def _answers(cloudyard: Cloudyard, order: uuid.UUID) -> list[dict[str, Any]]:
    async with cloudyard.compute_db.session() as session:
        rows = await session.execute(
            text(
                "SELECT body FROM outbox WHERE body->'payload'->>'order_uuid' = :o "
                "AND body->'payload'->>'order_result' IS NOT NULL ORDER BY created"
            ),
            {"o": str(order)},
        )
        return [row.body for row in rows]


@pytest.fixture
def ports_by_compute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Orders are planned with the process's settings: no network service here."""
    monkeypatch.setenv("STACKYARD_OPENSTACK__PORTS_VIA", "cloud")
    compute_settings.cache_clear()
    yield
    monkeypatch.undo()
    compute_settings.cache_clear()


@pytest.mark.usefixtures("ports_by_compute")
async def test_instance_orders_make_and_force_destroy(cloudyard: Cloudyard, tenant: Tenant) -> None:
    resource, order = uuid.uuid4(), uuid.uuid4()
    attributes = instance_body(tenant, "ordered")
    del attributes["tenant"]
    common = {"resource_uuid": str(resource), "tenant_uuid": str(tenant.uuid)}
    await _request(cloudyard, "create", order_uuid=str(order), attributes=attributes, **common)
    listed = await cloudyard.client.get(
        f"/api/openstack-instances/?marketplace_resource_uuid={resource}", headers=tenant.owner
    )
    (instance,) = listed.json()
    path = f"/api/openstack-instances/{instance['uuid']}/"
    instance = await cloudyard.settled(path, tenant.owner)
    assert instance["state"] == "OK", instance["error_message"]
    (done,) = await _answers(cloudyard, order)
    assert (done["type"], done["payload"]["order_result"]) == ("instance.state_changed.v1", "done")

    refused = uuid.uuid4()
    await _request(cloudyard, "terminate", order_uuid=str(refused), **common)
    (answer,) = await _answers(cloudyard, refused)
    assert answer["payload"]["order_result"] == "erred"
    assert "SHUTOFF" in answer["payload"]["order_error"]

    response = await cloudyard.client.post(f"{path}stop/", headers=tenant.owner)
    assert response.status_code == 202
    await cloudyard.settled(path, tenant.owner)
    terminate = uuid.uuid4()
    await _request(
        cloudyard,
        "terminate",
        order_uuid=str(terminate),
        attributes={"action": "force_destroy"},
        **common,
    )
    await cloudyard.settled(path, tenant.owner, "GONE")
    (deleted,) = await _answers(cloudyard, terminate)
    assert (deleted["type"], deleted["payload"]["order_result"]) == ("instance.deleted.v1", "done")
    inventory = await cloudyard.clouds.inventory(tenant.project_id)
    assert (inventory["servers"], inventory["volumes"]) == ([], [])
