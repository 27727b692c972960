"""The tenant provisioning saga against an emulated cloud: what it makes, what it says,
and what it leaves behind when the cloud refuses (nothing)."""

from __future__ import annotations

from typing import Any

from stackyard_identity.tenants.models import Tenant

from .tenant_cloud import TenantCloud


async def _settled(cloud: TenantCloud, resource: str) -> Tenant:
    async def done() -> bool:
        tenant = await cloud.tenant_of(resource)
        return tenant is not None and tenant.state in ("OK", "ERRED")

    await cloud.run_until(done)
    tenant = await cloud.tenant_of(resource)
    assert tenant is not None
    return tenant


def _rules(inventory: dict[str, Any], group: str) -> set[tuple[Any, ...]]:
    group_id = next(g["id"] for g in inventory["security_groups"] if g["name"] == group)
    return {
        (r["protocol"], r["port_range_min"], r["port_range_max"], r["remote_ip_prefix"])
        for r in inventory["security_group_rules"]
        if r["security_group_id"] == group_id and r["direction"] == "ingress"
    }


async def test_a_tenant_is_provisioned_with_everything_it_needs(
    tenant_cloud: TenantCloud,
) -> None:
    resource, order = await tenant_cloud.order_tenant("alpha")
    tenant = await _settled(tenant_cloud, resource)
    assert (tenant.state, tenant.error_message) == ("OK", "")
    project = f"alpha-{tenant.uuid.hex[:8]}"
    inventory = await tenant_cloud.inventory(tenant.backend_id)
    assert inventory is not None
    assert inventory["name"] == project
    assert sorted(u["name"] for u in inventory["users"]) == [f"{project}-admin", f"{project}-user"]
    assert sorted((g["user"], g["role"]) for g in inventory["role_assignments"]) == [
        (f"{project}-admin", "admin"),
        (f"{project}-user", "member"),
    ]
    quotas = inventory["quotas"]
    assert (quotas["compute"]["cores"], quotas["compute"]["ram"]) == (8, 16384)
    assert quotas["compute"]["instances"] == 30
    assert (quotas["volume"]["gigabytes"], quotas["volume"]["snapshots"]) == (200, 50)
    assert quotas["network"]["security_group"] == 100
    assert quotas["network"]["port"] == -1
    assert sorted(g["name"] for g in inventory["security_groups"]) == [
        "default",
        "ping",
        "rdp",
        "ssh",
        "web",
    ]
    assert _rules(inventory, "ssh") == {("tcp", 22, 22, "0.0.0.0/0")}
    assert _rules(inventory, "web") == {
        ("tcp", 80, 80, "0.0.0.0/0"),
        ("tcp", 443, 443, "0.0.0.0/0"),
    }
    assert _rules(inventory, "ping") == {("icmp", None, None, "0.0.0.0/0")}
    (network,) = inventory["networks"]
    assert (network["name"], network["mtu"]) == ("alpha-int-net", 1400)
    (subnet,) = inventory["subnets"]
    assert (subnet["cidr"], subnet["gateway_ip"]) == ("10.7.0.0/24", "10.7.0.1")
    (router,) = inventory["routers"]
    assert router["external_network_id"] == tenant_cloud.public_network
    assert router["interfaces"] == [subnet["id"]]
    assert router["external_ips"]
    assert (tenant.internal_network_id, tenant.subnet_id, tenant.router_id) == (
        network["id"],
        subnet["id"],
        router["id"],
    )
    assert tenant.user_username == f"{project}-user"
    password = tenant_cloud.runtime.box.decrypt(tenant.user_password_encrypted)
    assert len(password) >= 16
    assert {f["name"] for f in tenant.properties["flavors"]} >= {"m1.tiny", "m1.small"}
    assert {t["name"] for t in tenant.properties["volume_types"]} >= {"ssd", "hdd"}
    assert tenant.properties["availability_zones"] == ["nova"]

    events = await tenant_cloud.events(tenant)
    assert [e["type"] for e in events] == [
        "tenant.created.v1",
        "tenant.state_changed.v1",
        "tenant.properties_pulled.v1",
        "tenant.state_changed.v1",
    ]
    final = events[-1]["payload"]
    assert (final["state"], final["order_result"], final["order_uuid"]) == ("OK", "done", order)
    assert final["marketplace_resource_uuid"] == resource
    assert final["backend_id"] == tenant.backend_id
    assert password not in str(events)


async def test_a_refused_step_removes_everything_and_errs_the_order(
    tenant_cloud: TenantCloud,
) -> None:
    await tenant_cloud.fault(
        service="network", method="POST", path_regex="/routers$", error_rate=1.0, status=409
    )
    try:
        resource, order = await tenant_cloud.order_tenant("beta")
        tenant = await _settled(tenant_cloud, resource)
    finally:
        await tenant_cloud.clear_faults()
    assert tenant.state == "ERRED"
    assert tenant.error_message.startswith("step 'create-router' failed: POST ")
    assert "status=409" in tenant.error_message
    project = f"beta-{tenant.uuid.hex[:8]}"
    assert await tenant_cloud.projects_named(project) == []
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    for user in (f"{project}-admin", f"{project}-user"):
        assert await cloud.identity.find_user(user) is None
    assert tenant.backend_id == ""
    final = (await tenant_cloud.events(tenant))[-1]["payload"]
    assert (final["state"], final["order_result"], final["order_uuid"]) == ("ERRED", "erred", order)
    assert final["error_message"] == tenant.error_message


async def test_rules_asked_on_neutrons_default_group_go_on_the_group_neutron_made(
    tenant_cloud: TenantCloud,
) -> None:
    groups = [
        {"name": "default", "rules": [{"protocol": "tcp", "from_port": 8080, "to_port": 8080}]},
        {"name": "db", "rules": [{"protocol": "tcp", "from_port": 5432, "to_port": 5432}]},
    ]
    resource, _ = await tenant_cloud.order_tenant("gamma", security_groups=groups)
    tenant = await _settled(tenant_cloud, resource)
    assert (tenant.state, tenant.error_message) == ("OK", "")
    inventory = await tenant_cloud.inventory(tenant.backend_id)
    assert inventory is not None
    assert sorted(g["name"] for g in inventory["security_groups"]) == ["db", "default"]
    assert ("tcp", 8080, 8080, "0.0.0.0/0") in _rules(inventory, "default")
    assert _rules(inventory, "db") == {("tcp", 5432, 5432, "0.0.0.0/0")}
