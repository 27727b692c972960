"""Neutron through openstacksdk: networks, subnets, routers, ports, floating IPs, security."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openstack import exceptions

from .conftest import Running, Tenant, raw_token


def _net(conn: Any, name: str, cidr: str = "10.10.0.0/24", **subnet: Any) -> tuple[Any, Any]:
    network = conn.network.create_network(name=name)
    sub = conn.network.create_subnet(
        network_id=network.id, name=f"{name}-sub", ip_version=4, cidr=cidr, **subnet
    )
    return network, sub


def test_network_and_subnet_attributes(tenant: Tenant) -> None:
    conn = tenant.conn
    network, subnet = _net(
        conn,
        "n1",
        "10.1.0.0/24",
        dns_nameservers=["8.8.8.8"],
        host_routes=[{"destination": "10.9.0.0/16", "nexthop": "10.1.0.9"}],
        allocation_pools=[{"start": "10.1.0.10", "end": "10.1.0.20"}],
    )
    assert network.mtu == 1500
    assert network.is_shared is False
    assert network.is_router_external is False
    assert network.status == "ACTIVE"
    assert network.project_id == tenant.project_id
    assert subnet.gateway_ip == "10.1.0.1"
    assert subnet.allocation_pools == [{"start": "10.1.0.10", "end": "10.1.0.20"}]
    assert subnet.dns_nameservers == ["8.8.8.8"]
    assert subnet.host_routes == [{"destination": "10.9.0.0/16", "nexthop": "10.1.0.9"}]
    assert conn.network.get_network(network.id).subnet_ids == [subnet.id]
    with pytest.raises(exceptions.BadRequestException, match="overlaps"):
        conn.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.1.0.128/25")
    port = conn.network.create_port(network_id=network.id)
    assert port.fixed_ips[0]["ip_address"] == "10.1.0.10"
    assert port.fixed_ips[0]["subnet_id"] == subnet.id
    assert port.mac_address.startswith("fa:16:3e:")
    with pytest.raises(exceptions.ConflictException, match="already allocated"):
        conn.network.create_port(network_id=network.id, fixed_ips=[{"ip_address": "10.1.0.10"}])
    fixed = conn.network.create_port(
        network_id=network.id, fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.1.0.15"}]
    )
    assert fixed.fixed_ips[0]["ip_address"] == "10.1.0.15"
    with pytest.raises(exceptions.ConflictException, match="still in use"):
        conn.network.delete_network(network)
    with pytest.raises(exceptions.ConflictException, match="IP allocation"):
        conn.network.delete_subnet(subnet)
    conn.network.delete_port(port)
    conn.network.delete_port(fixed)
    conn.network.update_subnet(subnet, name="renamed")
    conn.network.delete_network(network)
    with pytest.raises(exceptions.NotFoundException):
        conn.network.get_subnet(subnet.id)


def test_neutron_error_shape_and_filter_validation(emulator: Running, tenant: Tenant) -> None:
    token, _ = raw_token(emulator, tenant.username, tenant.password, tenant.project_name)
    headers = {"X-Auth-Token": token}
    missing = httpx.get(f"{emulator.url}/network/v2.0/networks/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "NeutronError": {
            "type": "NetworkNotFound",
            "message": "Network nope could not be found.",
            "detail": "",
        }
    }
    invalid = httpx.get(f"{emulator.url}/network/v2.0/ports?colour=red", headers=headers)
    assert invalid.status_code == 400
    assert invalid.json()["NeutronError"]["type"] == "HTTPBadRequest"


def test_ip_exhaustion(tenant: Tenant) -> None:
    conn = tenant.conn
    network, _ = _net(conn, "tiny", "10.2.0.0/30")
    conn.network.create_port(network_id=network.id)
    with pytest.raises(exceptions.ConflictException, match="No more IP addresses"):
        conn.network.create_port(network_id=network.id)


def test_filters_pagination_and_tags(tenant: Tenant, admin: Any) -> None:
    conn = tenant.conn
    network, _ = _net(conn, "paged", "10.3.0.0/24")
    made = [conn.network.create_port(network_id=network.id, name=f"p{i}") for i in range(7)]
    conn.network.set_tags(made[0], ["blue", "x"])
    assert [p.id for p in conn.network.ports(tags="blue")] == [made[0].id]
    assert {p.name for p in conn.network.ports(name="p3")} == {"p3"}
    assert len(list(conn.network.ports(network_id=network.id))) == 7
    page = list(conn.network.ports(network_id=network.id, limit=3))
    assert [p.id for p in page] == [p.id for p in made]  # the SDK follows the next links
    raw = conn.network.get("/ports", params={"limit": 3, "network_id": network.id}).json()
    assert len(raw["ports"]) == 3
    assert [link["rel"] for link in raw["ports_links"]] == ["next"]
    by_project = list(admin.network.ports(project_id=tenant.project_id))
    assert {p.id for p in by_project} == {p.id for p in made}
    by_tenant = list(admin.network.ports(tenant_id=tenant.project_id, name="p1"))
    assert [p.name for p in by_tenant] == ["p1"]
    assert [p.id for p in conn.network.ports(id=made[2].id)] == [made[2].id]


def test_router_interfaces_routes_and_floating_ips(tenant: Tenant, admin: Any) -> None:
    conn = tenant.conn
    public = conn.network.find_network("public")
    assert public.is_router_external
    with pytest.raises(exceptions.ForbiddenException):
        conn.network.create_port(network_id=public.id)  # visible, but neither owned nor shared
    network, subnet = _net(conn, "inner", "10.4.0.0/24")
    router = conn.network.create_router(name="r1", external_gateway_info={"network_id": public.id})
    gateway_ip = router.external_gateway_info["external_fixed_ips"][0]["ip_address"]
    assert gateway_ip.startswith("203.0.113.")
    port = conn.network.create_port(network_id=network.id)
    fip = conn.network.create_ip(floating_network_id=public.id)
    assert fip.floating_ip_address.startswith("203.0.113.")
    assert fip.status == "DOWN"
    with pytest.raises(exceptions.NotFoundException, match="not reachable"):
        conn.network.update_ip(fip, port_id=port.id)
    reply = conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    assert reply["subnet_id"] == subnet.id
    iface = conn.network.get_port(reply["port_id"])
    assert iface.fixed_ips[0]["ip_address"] == "10.4.0.1"
    assert iface.device_owner == "network:router_interface"
    with pytest.raises(exceptions.BadRequestException, match="already has a port"):
        conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    fip = conn.network.update_ip(fip, port_id=port.id)
    assert fip.port_id == port.id
    assert fip.router_id == router.id
    assert fip.status == "ACTIVE"
    assert fip.fixed_ip_address == port.fixed_ips[0]["ip_address"]
    with pytest.raises(exceptions.ConflictException, match="floating IPs"):
        conn.network.remove_interface_from_router(router, subnet_id=subnet.id)
    router = conn.network.update_router(
        router, routes=[{"destination": "192.168.0.0/24", "nexthop": "10.4.0.50"}]
    )
    assert router.routes == [{"destination": "192.168.0.0/24", "nexthop": "10.4.0.50"}]
    with pytest.raises(exceptions.BadRequestException, match="nexthop"):
        conn.network.update_router(
            router, routes=[{"destination": "1.0.0.0/8", "nexthop": "172.16.0.1"}]
        )
    with pytest.raises(exceptions.ConflictException, match="still has ports"):
        conn.network.delete_router(router)
    fip = conn.network.update_ip(fip, port_id=None)
    assert fip.port_id is None
    assert fip.status == "DOWN"
    conn.network.update_router(router, routes=[])
    conn.network.remove_interface_from_router(router, subnet_id=subnet.id)
    conn.network.delete_ip(fip)
    conn.network.delete_router(router)
    assert conn.network.find_router("r1") is None


def test_security_groups_default_rules_and_conflicts(tenant: Tenant) -> None:
    conn = tenant.conn
    groups = list(conn.network.security_groups())
    assert [g.name for g in groups] == ["default"]
    default = groups[0]
    rules = default.security_group_rules
    assert len(rules) == 4
    assert {(r["direction"], r["ethertype"], r["remote_group_id"]) for r in rules} == {
        ("egress", "IPv4", None),
        ("egress", "IPv6", None),
        ("ingress", "IPv4", default.id),
        ("ingress", "IPv6", default.id),
    }
    web = conn.network.create_security_group(name="web", description="web tier")
    assert len(web.security_group_rules) == 2
    rule = conn.network.create_security_group_rule(
        security_group_id=web.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=443,
        port_range_max=443,
        remote_ip_prefix="0.0.0.0/0",
    )
    assert rule.port_range_min == 443
    with pytest.raises(exceptions.ConflictException, match="already exists"):
        conn.network.create_security_group_rule(
            security_group_id=web.id,
            direction="ingress",
            ethertype="IPv4",
            protocol="tcp",
            port_range_min=443,
            port_range_max=443,
            remote_ip_prefix="0.0.0.0/0",
        )
    group_rule = conn.network.create_security_group_rule(
        security_group_id=web.id, direction="ingress", remote_group_id=default.id, ethertype="IPv6"
    )
    assert group_rule.remote_group_id == default.id
    egress = conn.network.create_security_group_rule(
        security_group_id=web.id,
        direction="egress",
        ethertype="IPv4",
        protocol="udp",
        port_range_min=53,
        port_range_max=53,
        remote_ip_prefix="10.0.0.0/8",
    )
    assert egress.direction == "egress"
    with pytest.raises(exceptions.BadRequestException):
        conn.network.create_security_group_rule(
            security_group_id=web.id, direction="ingress", port_range_min=22
        )
    network, _ = _net(conn, "sgnet", "10.5.0.0/24")
    port = conn.network.create_port(
        network_id=network.id,
        security_group_ids=[web.id],
        allowed_address_pairs=[{"ip_address": "10.5.0.200"}],
    )
    assert port.security_group_ids == [web.id]
    assert port.allowed_address_pairs[0]["mac_address"] == port.mac_address
    with pytest.raises(exceptions.ConflictException, match="in use"):
        conn.network.delete_security_group(web)
    with pytest.raises(exceptions.ConflictException):
        conn.network.delete_security_group(default)
    conn.network.delete_port(port)
    conn.network.delete_security_group_rule(rule)
    conn.network.delete_security_group(web)


def test_rbac_sharing_and_quotas(tenant: Tenant, admin: Any, emulator: Running) -> None:
    other = admin.identity.create_project(name=f"{tenant.project_name}-peer", domain_id="default")
    network = admin.network.create_network(name="shared-to-tenant", project_id=other.id)
    assert network.project_id == other.id
    assert tenant.conn.network.find_network("shared-to-tenant") is None
    policy = admin.network.create_rbac_policy(
        object_type="network",
        object_id=network.id,
        action="access_as_shared",
        target_project_id=tenant.project_id,
    )
    assert tenant.conn.network.find_network("shared-to-tenant").id == network.id
    admin.network.create_subnet(
        network_id=network.id, ip_version=4, cidr="10.6.0.0/24", project_id=other.id
    )
    port = tenant.conn.network.create_port(network_id=network.id)
    with pytest.raises(exceptions.ConflictException):
        admin.network.delete_rbac_policy(policy)
    tenant.conn.network.delete_port(port)
    admin.network.delete_rbac_policy(policy)
    assert tenant.conn.network.find_network("shared-to-tenant") is None
    shared = admin.network.create_network(name="everyone", is_shared=True)
    assert shared.is_shared
    assert tenant.conn.network.find_network("everyone") is not None
    admin.network.update_quota(tenant.project_id, networks=1)
    quota = tenant.conn.network.get_quota(tenant.project_id)
    assert quota.networks == 1
    tenant.conn.network.create_network(name="only-one")
    with pytest.raises(exceptions.ConflictException, match="Quota exceeded"):
        tenant.conn.network.create_network(name="second")
    details = tenant.conn.network.get_quota(tenant.project_id, details=True)
    assert details.networks == {"limit": 1, "used": 1, "reserved": 0}
    assert admin.network.get_quota_default(tenant.project_id).networks == 100
    with pytest.raises(exceptions.ForbiddenException):
        tenant.conn.network.update_quota(tenant.project_id, networks=5)
    admin.network.delete_quota(tenant.project_id)
    assert tenant.conn.network.get_quota(tenant.project_id).networks == 100
