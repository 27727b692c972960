"""Lost instances and metadata against the emulated cloud: a server made behind the
platform's back becomes a record and `instance.imported.v1` after one recovery run (and
a second run imports nothing); a server a provisioning run is making is never imported;
servers' metadata reaches their records; and the periodic jobs go on past a tenant
whose cloud fails."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from stackyard_common.openstack import OpenStackClient, Unavailable
from stackyard_compute.common.runtime import RUNTIME_KEY
from stackyard_compute.instances.metadata import refresh_instance_metadata
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.provision_steps import MARK
from stackyard_compute.instances.recovery import recover_lost_instances
from stackyard_compute.instances.tasks import PULL_INSTANCES, RECOVER_LOST_INSTANCES
from stackyard_compute.worker import PERIODIC_JOBS

from .cloud_records import direct_server, load, projected, published, record
from .conftest import Cloudyard, Tenant


async def recover(cloudyard: Cloudyard, tenant: Tenant) -> dict[str, int]:
    async with cloudyard.compute_db.session() as session:
        return await recover_lost_instances(
            session, cloudyard.clouds, await projected(cloudyard, tenant)
        )


async def records_of(cloudyard: Cloudyard, tenant: Tenant) -> list[Instance]:
    async with cloudyard.compute_db.session() as session:
        found = await session.execute(
            select(Instance).where(Instance.tenant_uuid == tenant.uuid).order_by(Instance.name)
        )
        return list(found.scalars())


async def test_a_server_made_in_the_cloud_is_imported_once(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    server = await direct_server(cloudyard, tenant, "web-1")
    client = await cloudyard.clouds.client(tenant.uuid)
    (port,) = await client.network.list_ports(device_id=server.id)
    floating = await client.network.create_floating_ip(
        tenant.networks["external_network_id"], port_id=port.id
    )

    assert await recover(cloudyard, tenant) == {"imported": 1, "known": 0, "skipped": 0}

    (instance,) = await records_of(cloudyard, tenant)
    assert (instance.name, instance.state, instance.runtime_state, instance.backend_id) == (
        "web-1",
        "OK",
        "ACTIVE",
        server.id,
    )
    assert (instance.flavor_name, instance.cores, instance.ram, instance.disk) == (
        "m1.small",
        1,
        2048,
        20 * 1024,
    )
    assert instance.image_name.startswith("cirros")
    assert (instance.customer_uuid, instance.project_uuid) == (tenant.customer, tenant.project)
    assert instance.marketplace_resource_uuid is not None
    assert [p["backend_id"] for p in instance.ports] == [port.id]
    assert instance.ports[0]["network_id"] == tenant.networks["internal_network_id"]
    assert instance.floating_ips == [
        {
            "backend_id": floating.id,
            "address": floating.floating_ip_address,
            "port_id": port.id,
            "allocated": False,
        }
    ]
    assert instance.ports[0]["fixed_ips"][0]["ip_address"].startswith("10.20.0.")
    ((kind, payload),) = await published(cloudyard, instance.uuid)
    assert kind == "instance.imported.v1"
    assert payload["message"] == "Instance web-1 found in the cloud without a record: imported."
    assert payload["marketplace_resource_uuid"] == str(instance.marketplace_resource_uuid)
    assert (payload["tenant_uuid"], payload["project_uuid"], payload["customer_uuid"]) == (
        str(tenant.uuid),
        str(tenant.project),
        str(tenant.customer),
    )
    assert (payload["backend_id"], payload["state"], payload["flavor_name"]) == (
        server.id,
        "OK",
        "m1.small",
    )
    view = await cloudyard.client.get(
        f"/api/openstack-instances/{instance.uuid}/", headers=tenant.owner
    )
    assert view.status_code == 200, view.text
    assert view.json()["internal_ips"] == [instance.ports[0]["fixed_ips"][0]["ip_address"]]
    assert view.json()["external_ips"] == [floating.floating_ip_address]

    assert await recover(cloudyard, tenant) == {"imported": 0, "known": 1, "skipped": 0}
    assert len(await records_of(cloudyard, tenant)) == 1


async def test_a_server_being_provisioned_is_not_imported(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    # The saga's step has created the server but not yet written its id: only the tag
    # it gave the server ties them.
    creating = await record(cloudyard, tenant, state="CREATING")
    client = await cloudyard.clouds.client(tenant.uuid)
    admin = cloudyard.clouds.admin
    flavor = next(f for f in await admin.compute.list_flavors() if f.name == "m1.small")
    image = next(i for i in await admin.image.list_images() if (i.name or "").startswith("cirros"))
    await client.compute.create_server(
        "in-the-making",
        flavor.id,
        image_id=image.id,
        networks=[{"uuid": tenant.networks["internal_network_id"]}],
        metadata={MARK: str(creating)},
    )
    assert (await recover(cloudyard, tenant))["imported"] == 0
    assert [i.uuid for i in await records_of(cloudyard, tenant)] == [creating]


async def test_servers_metadata_reaches_their_records(cloudyard: Cloudyard, tenant: Tenant) -> None:
    server = await direct_server(cloudyard, tenant, "tagged")
    key = await record(cloudyard, tenant, backend_id=server.id)
    client = await cloudyard.clouds.client(tenant.uuid)
    await client.compute.set_server_metadata(server.id, {"role": "web", "owner": "ops"})
    tenant_record = await projected(cloudyard, tenant)

    async with cloudyard.compute_db.session() as session:
        counts = await refresh_instance_metadata(session, cloudyard.clouds, tenant_record)
    assert counts == {"changed": 1, "unchanged": 0}
    async with cloudyard.compute_db.session() as session:
        again = await refresh_instance_metadata(session, cloudyard.clouds, tenant_record)
    assert again == {"changed": 0, "unchanged": 1}

    instance = await load(cloudyard, key)
    assert instance is not None
    assert instance.server_metadata == {"role": "web", "owner": "ops"}
    view = await cloudyard.client.get(f"/api/openstack-instances/{key}/", headers=tenant.owner)
    assert view.json()["metadata"] == {"role": "web", "owner": "ops"}
    ((kind, payload),) = await published(cloudyard, key)
    assert (kind, payload["metadata"]) == (
        "instance.metadata_changed.v1",
        {"role": "web", "owner": "ops"},
    )


class FailingFor:
    """The tenants' clouds, but one's answers 503 (an outage of its cloud)."""

    def __init__(self, clouds: Any, failing: uuid.UUID) -> None:
        self.clouds, self.failing = clouds, failing

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        if tenant == self.failing:
            raise Unavailable("the cloud is down", status=503)
        client: OpenStackClient = await self.clouds.client(tenant)
        return client

    async def aclose(self) -> None:
        return None


async def test_the_jobs_go_on_past_a_tenant_whose_cloud_fails(cloudyard: Cloudyard) -> None:
    assert [job.name for job in PERIODIC_JOBS] == [
        "pull-instances",
        "recover-lost-instances",
        "refresh-instance-metadata",
    ]
    down, up = await cloudyard.tenant("10.20.0.0/24"), await cloudyard.tenant("10.20.0.0/24")
    for tenant in (down, up):
        await direct_server(cloudyard, tenant, f"lost-{tenant.uuid.hex[:4]}")
    ctx = {
        "database": cloudyard.compute_db,
        RUNTIME_KEY: SimpleNamespace(clouds=FailingFor(cloudyard.clouds, down.uuid)),
    }

    summary = await RECOVER_LOST_INSTANCES.function(ctx)

    assert summary["tenants"] >= 2
    assert str(down.uuid) in summary["failures"]
    assert "Unavailable" in summary["failures"][str(down.uuid)]
    assert summary["imported"] >= 1
    assert summary["failed"] == len(summary["failures"])
    assert await records_of(cloudyard, down) == []
    assert [i.name for i in await records_of(cloudyard, up)] == [f"lost-{up.uuid.hex[:4]}"]

    pulled = await PULL_INSTANCES.function(ctx)
    assert str(down.uuid) in pulled["failures"]
    assert pulled["unchanged"] >= 1
