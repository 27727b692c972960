"""A tenant's life after provisioning: new quotas, a refused order, and a teardown that
leaves the cloud with nothing of it, whatever was made inside it."""

from __future__ import annotations

import uuid

import httpx
from pydantic import SecretStr

from stackyard_common.openstack import OpenStackClient
from stackyard_identity.tenants.models import Tenant

from .tenant_cloud import TenantCloud


async def _wait_state(cloud: TenantCloud, resource: str, *states: str) -> Tenant | None:
    async def done() -> bool:
        tenant = await cloud.tenant_of(resource)
        return (tenant.state if tenant else None) in states

    await cloud.run_until(done)
    return await cloud.tenant_of(resource)


def _as_tenant_user(
    tenant_cloud: TenantCloud, admin: OpenStackClient, tenant: Tenant
) -> OpenStackClient:
    """A client of the emulator signed in as the tenant's own user, in its project."""
    password = tenant_cloud.runtime.box.decrypt(tenant.user_password_encrypted)
    config = admin.config.model_copy(
        update={
            "username": tenant.user_username,
            "password": SecretStr(password),
            "project_name": None,
            "project_id": tenant.backend_id,
        }
    )
    return OpenStackClient(config, transport=httpx.ASGITransport(app=tenant_cloud.emulator))


async def test_new_limits_reach_the_cloud_and_teardown_leaves_nothing(
    tenant_cloud: TenantCloud,
) -> None:
    resource, _ = await tenant_cloud.order_tenant("gamma")
    tenant = await _wait_state(tenant_cloud, resource, "OK")
    assert tenant is not None
    update = str(uuid.uuid4())
    await tenant_cloud.request(
        "update", order_uuid=update, resource_uuid=resource, limits={"cores": 3, "storage": 5000}
    )
    tenant = await _wait_state(tenant_cloud, resource, "OK")
    assert tenant is not None
    assert (tenant.quotas["vcpu"], tenant.quotas["ram"], tenant.quotas["storage"]) == (
        3,
        16384,
        5000,
    )
    inventory = await tenant_cloud.inventory(tenant.backend_id)
    assert inventory is not None
    assert inventory["quotas"]["compute"]["cores"] == 3
    assert inventory["quotas"]["volume"]["gigabytes"] == 5
    events = await tenant_cloud.events(tenant)
    assert events[-1]["payload"]["order_uuid"] == update
    assert events[-1]["payload"]["order_result"] == "done"

    # What users made inside the tenant goes too: a server, a volume, a floating IP...
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    project = tenant.backend_id
    port = await cloud.network.create_port(tenant.internal_network_id, project_id=project)
    await cloud.network.create_floating_ip(
        tenant_cloud.public_network, port_id=port.id, project_id=project
    )
    await cloud.network.update_router(
        tenant.router_id, routes=[{"destination": "10.99.0.0/24", "nexthop": "10.7.0.50"}]
    )
    extra = await cloud.network.create_network("extra", project_id=project)
    await cloud.network.create_subnet(extra.id, "10.8.0.0/24", project_id=project)
    # ... and, as the tenant's own user (its credentials work), a server in a server
    # group, a volume and a snapshot of it.
    async with _as_tenant_user(tenant_cloud, cloud, tenant) as user_cloud:
        group = await user_cloud.session.request(
            "compute",
            "POST",
            "/os-server-groups",
            json={"server_group": {"name": "g", "policies": ["anti-affinity"]}},
        )
        flavor = await user_cloud.compute.find_flavor("m1.tiny")
        assert flavor is not None
        server = await user_cloud.compute.create_server(
            "vm",
            flavor.id,
            image_id=tenant.properties["images"][0]["id"],
            networks=[{"uuid": tenant.internal_network_id}],
            server_group_id=group.json()["server_group"]["id"],
        )
        volume = await user_cloud.volume.create_volume(1, name="data")
        await user_cloud.volume.wait_for_volume(volume.id, timeout=30, interval=0.1)
        await user_cloud.volume.create_snapshot(volume.id, name="snap")
    held = await tenant_cloud.inventory(project)
    assert held is not None
    assert [len(held[kind]) for kind in ("servers", "volumes", "snapshots", "server_groups")] == [
        1,
        1,
        1,
        1,
    ]
    assert server.id == held["servers"][0]["id"]
    backend_id, username = tenant.backend_id, tenant.user_username

    terminate = str(uuid.uuid4())
    await tenant_cloud.request("terminate", order_uuid=terminate, resource_uuid=resource)

    async def gone() -> bool:
        return await tenant_cloud.tenant_of(resource) is None

    await tenant_cloud.run_until(gone)
    left = await tenant_cloud.inventory(backend_id)
    assert left is None, {k: v for k, v in (left or {}).items() if v and k != "quotas"}
    assert await cloud.identity.find_user(username) is None
    assert await cloud.network.list_floating_ips(project_id=backend_id) == []
    assert await cloud.network.list_networks(project_id=backend_id) == []
    assert await cloud.network.list_security_groups(project_id=backend_id) == []
    final = (await tenant_cloud.events(tenant))[-1]
    assert final["type"] == "tenant.deleted.v1"
    assert (final["payload"]["order_uuid"], final["payload"]["order_result"]) == (terminate, "done")


async def test_a_busy_tenant_refuses_orders_without_changing(tenant_cloud: TenantCloud) -> None:
    resource, _ = await tenant_cloud.order_tenant("delta")
    tenant = await tenant_cloud.tenant_of(resource)
    assert tenant is not None
    assert tenant.state == "CREATION_SCHEDULED"
    refused = str(uuid.uuid4())
    await tenant_cloud.request("update", order_uuid=refused, resource_uuid=resource, limits={})
    await tenant_cloud.request("terminate", order_uuid=str(uuid.uuid4()), resource_uuid=resource)
    answers = [e for e in await tenant_cloud.events(tenant) if e["payload"].get("order_result")]
    assert [a["payload"]["order_result"] for a in answers] == ["erred", "erred"]
    assert answers[0]["payload"]["order_uuid"] == refused
    assert answers[0]["payload"]["order_error"] == "The tenant is CREATION_SCHEDULED."
    assert (await tenant_cloud.tenant_of(resource)).state == "CREATION_SCHEDULED"  # type: ignore[union-attr]
    await _wait_state(tenant_cloud, resource, "OK")


async def test_a_default_group_made_again_during_the_teardown_goes_with_the_project(
    tenant_cloud: TenantCloud,
) -> None:
    """Neutron makes a project's `default` group for anyone listing groups with a token
    of the project: a pull still running when the teardown has deleted the groups brings
    it back, and it must not outlive the project."""
    resource, _ = await tenant_cloud.order_tenant("epsilon")
    tenant = await _wait_state(tenant_cloud, resource, "OK")
    assert tenant is not None
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    project = tenant.backend_id
    # The users' deletion (which revokes the pull's token) waits a moment, so that the
    # pull below surely lists between the groups' deletion and the project's.
    await tenant_cloud.fault(
        service="identity", method="DELETE", path_regex="/users/", latency_ms=1000
    )
    listed_again: list[str] = []
    async with _as_tenant_user(tenant_cloud, cloud, tenant) as pull_cloud:
        assert await pull_cloud.network.list_security_groups()  # the pull's token is issued
        await tenant_cloud.request(
            "terminate", order_uuid=str(uuid.uuid4()), resource_uuid=resource
        )

        async def gone() -> bool:
            record = await tenant_cloud.tenant_of(resource)
            if (
                record is not None
                and record.state == "DELETING"
                and not listed_again
                and not await cloud.network.list_security_groups(project_id=project)
            ):
                listed_again.extend(g.name for g in await pull_cloud.network.list_security_groups())
            return record is None

        await tenant_cloud.run_until(gone)
    assert listed_again == ["default"]
    assert await tenant_cloud.inventory(project) is None
