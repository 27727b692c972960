"""Neutron networks and subnets: create, update, delete, and the 409s they raise."""

from __future__ import annotations

import ipaddress
from typing import Any

from stackyard_emulator.errors import neutron_error
from stackyard_emulator.store import Record

from .ipam import Allocator, default_pools, parse_cidr
from .state import Caller, NetworkState, bad_request, invalid_input, not_found

_ADMIN_ONLY_NETWORK = (
    "router:external",
    "provider:network_type",
    "provider:physical_network",
    "provider:segmentation_id",
)
# Ports of these owners do not keep a network or subnet "in use".
_SERVICE_OWNERS = ("network:dhcp", "network:distributed")


def _forbidden(attribute: str, action: str, kind: str) -> Exception:
    return neutron_error(
        403,
        "PolicyNotAuthorized",
        f"(rule:{action}_{kind} and rule:{action}_{kind}:{attribute}) is disallowed by policy",
    )


def create_network(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Create a network (``shared`` and ``router:external`` become RBAC policies)."""
    project_id = net.owner_for(caller, body, "network")
    if not caller.is_admin:
        for key in (*_ADMIN_ONLY_NETWORK, "shared"):
            if body.get(key):
                raise _forbidden(key, "create", "network")
    net.check_quota(project_id, "network")
    mtu = int(body.get("mtu", 1500) or 1500)
    if mtu < 68:
        raise invalid_input(f"MTU {mtu} is too small")
    record = net.standard(project_id, body)
    record.update(
        {
            "admin_state_up": bool(body.get("admin_state_up", True)),
            "status": "ACTIVE",
            "subnets": [],
            "shared": False,
            "router:external": False,
            "mtu": mtu,
            "port_security_enabled": bool(body.get("port_security_enabled", True)),
            "availability_zone_hints": list(body.get("availability_zone_hints", []) or []),
            "availability_zones": ["nova"],
            "ipv4_address_scope": None,
            "ipv6_address_scope": None,
            "is_default": bool(body.get("is_default", False)),
            "qos_policy_id": body.get("qos_policy_id"),
            "l2_adjacency": True,
            "provider:network_type": body.get("provider:network_type", "geneve"),
            "provider:physical_network": body.get("provider:physical_network"),
            "provider:segmentation_id": body.get("provider:segmentation_id")
            or (len(net.networks) + 100),
            "_grants": set(),
        }
    )
    net.networks.insert(record, project_id)
    if body.get("shared"):
        net.add_rbac(project_id, "network", record["id"], "access_as_shared", "*")
    if body.get("router:external"):
        net.add_rbac(project_id, "network", record["id"], "access_as_external", "*")
    return record


def update_network(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    """Update a network's mutable attributes."""
    if record["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Network", record["id"])
    for key in ("shared", "router:external"):
        if key in body and bool(body[key]) != record[key]:
            if not caller.is_admin:
                raise _forbidden(key, "update", "network")
            action = "access_as_shared" if key == "shared" else "access_as_external"
            if body[key]:
                net.add_rbac(record["project_id"], "network", record["id"], action, "*")
            else:
                for policy in list(net.rbac_policies.values()):
                    if (policy["object_id"], policy["action"], policy["target_tenant"]) == (
                        record["id"],
                        action,
                        "*",
                    ):
                        net.remove_rbac(policy)
    for key in (
        "name",
        "description",
        "admin_state_up",
        "port_security_enabled",
        "qos_policy_id",
        "is_default",
    ):
        if key in body:
            record[key] = body[key]
    if "mtu" in body:
        record["mtu"] = int(body["mtu"])
    net.touch(record)


def delete_network(net: NetworkState, caller: Caller, record: Record) -> None:
    """Delete a network and its subnets; 409 NetworkInUse while ports remain."""
    if record["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Network", record["id"])
    busy = [
        p for p in net.ports_on_network(record["id"]) if p["device_owner"] not in _SERVICE_OWNERS
    ]
    if busy:
        raise neutron_error(
            409,
            "NetworkInUse",
            f"Unable to complete operation on network {record['id']}. There are one or more "
            "ports still in use on the network.",
        )
    for port in net.ports_on_network(record["id"]):
        net.ports.remove(port["id"])
        net.unindex_port(port)
    for subnet_id in list(record["subnets"]):
        net.subnets.remove(subnet_id)
        net.allocators.pop(subnet_id, None)
    for policy in list(net.rbac_policies.values()):
        if policy["object_id"] == record["id"]:
            net.rbac_policies.remove(policy["id"])
    net.network_ports.pop(record["id"], None)
    net.networks.remove(record["id"])


def _pools(cidr: Any, gateway: str | None, body: dict[str, Any]) -> list[dict[str, str]]:
    pools = body.get("allocation_pools")
    if not pools:
        return default_pools(cidr, gateway)
    result = []
    for pool in pools:
        try:
            start = ipaddress.ip_address(pool["start"])
            end = ipaddress.ip_address(pool["end"])
        except (KeyError, TypeError, ValueError):
            raise invalid_input(f"Invalid allocation pool {pool}") from None
        if start not in cidr or end not in cidr or int(start) > int(end):
            raise neutron_error(
                400,
                "InvalidAllocationPool",
                f"The allocation pool {start}-{end} spans beyond the subnet cidr {cidr}.",
            )
        if gateway and int(start) <= int(ipaddress.ip_address(gateway)) <= int(end):
            raise neutron_error(
                409,
                "GatewayConflictWithAllocationPools",
                f"Gateway ip {gateway} conflicts with allocation pool {start}-{end}.",
            )
        result.append({"start": str(start), "end": str(end)})
    return result


def _routes(raw: Any) -> list[dict[str, str]]:
    routes = []
    for route in raw or []:
        if not isinstance(route, dict) or "destination" not in route or "nexthop" not in route:
            raise invalid_input(f"Invalid data format for hostroute: '{route}'")
        parse_cidr(str(route["destination"]))
        routes.append({"destination": str(route["destination"]), "nexthop": str(route["nexthop"])})
    return routes


def create_subnet(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Create a subnet with its allocation pools; 400 when it overlaps another one."""
    network_id = str(body.get("network_id", ""))
    if not network_id:
        raise bad_request("Failed to parse request. Required attribute 'network_id' not specified")
    network = net.network(network_id, caller)
    if network["project_id"] != caller.project_id and not caller.is_admin:
        raise neutron_error(
            403,
            "PolicyNotAuthorized",
            "(rule:create_subnet and rule:create_subnet:network_id) is disallowed by policy",
        )
    if not body.get("cidr"):
        raise bad_request(
            "Bad subnets request: a cidr must be specified in the absence of a subnet pool."
        )
    cidr = parse_cidr(str(body["cidr"]))
    ip_version = int(body.get("ip_version", cidr.version))
    if ip_version != cidr.version:
        raise invalid_input("Cidr and IP version mismatch")
    project_id = net.owner_for(caller, body, "subnet")
    for other_id in network["subnets"]:
        other = net.subnets.get(other_id)
        if other is not None and parse_cidr(other["cidr"]).overlaps(cidr):
            raise invalid_input(
                f"Requested subnet with cidr: {cidr} for network: {network_id} overlaps with "
                "another subnet"
            )
    net.check_quota(project_id, "subnet")
    if "gateway_ip" in body:
        gateway = body["gateway_ip"]
        if gateway is not None and ipaddress.ip_address(str(gateway)) not in cidr:
            raise invalid_input(f"Gateway is not valid on subnet: {gateway}")
    else:
        gateway = str(cidr.network_address + 1)
    record = net.standard(project_id, body)
    record.update(
        {
            "network_id": network_id,
            "ip_version": ip_version,
            "cidr": str(cidr),
            "gateway_ip": gateway,
            "allocation_pools": _pools(cidr, gateway, body),
            "dns_nameservers": [str(s) for s in body.get("dns_nameservers", []) or []],
            "host_routes": _routes(body.get("host_routes")),
            "enable_dhcp": bool(body.get("enable_dhcp", True)),
            "ipv6_ra_mode": body.get("ipv6_ra_mode"),
            "ipv6_address_mode": body.get("ipv6_address_mode"),
            "subnetpool_id": body.get("subnetpool_id"),
            "service_types": list(body.get("service_types", []) or []),
            "segment_id": None,
            "dns_publish_fixed_ip": False,
        }
    )
    allocator = Allocator(record["id"], network_id, record["cidr"], record["allocation_pools"])
    if gateway:
        # The gateway address is reserved for the router interface that will take it.
        allocator.reserve(str(gateway))
    net.allocators[record["id"]] = allocator
    net.subnets.insert(record, project_id)
    network["subnets"].append(record["id"])
    net.touch(network)
    return record


def update_subnet(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    """Update a subnet's name, gateway, pools, DNS servers, host routes or DHCP flag."""
    if record["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Subnet", record["id"])
    if "cidr" in body and body["cidr"] != record["cidr"]:
        raise bad_request("Cannot update read-only attribute cidr")
    cidr = parse_cidr(record["cidr"])
    gateway = body.get("gateway_ip", record["gateway_ip"])
    if "allocation_pools" in body or "gateway_ip" in body:
        pools = (
            _pools(cidr, gateway, body)
            if body.get("allocation_pools")
            else record["allocation_pools"]
        )
        old = net.allocators[record["id"]]
        fresh = Allocator(record["id"], record["network_id"], record["cidr"], pools)
        fresh.adopt(old)
        if record["gateway_ip"] != gateway:
            if record["gateway_ip"]:
                fresh.release(record["gateway_ip"])
            if gateway:
                fresh.reserve(str(gateway))
        net.allocators[record["id"]] = fresh
        record["allocation_pools"] = pools
        record["gateway_ip"] = gateway
    if "host_routes" in body:
        record["host_routes"] = _routes(body["host_routes"])
    if "dns_nameservers" in body:
        record["dns_nameservers"] = [str(s) for s in body["dns_nameservers"] or []]
    for key in ("name", "description", "enable_dhcp"):
        if key in body:
            record[key] = body[key]
    net.touch(record)


def delete_subnet(net: NetworkState, caller: Caller, record: Record) -> None:
    """Delete a subnet; 409 SubnetInUse while a port holds an address from it."""
    if record["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Subnet", record["id"])
    for port in net.ports_on_network(record["network_id"]):
        if port["device_owner"] in _SERVICE_OWNERS:
            continue
        if any(ip["subnet_id"] == record["id"] for ip in port["fixed_ips"]):
            raise neutron_error(
                409,
                "SubnetInUse",
                f"Unable to complete operation on subnet {record['id']}: One or more ports have "
                "an IP allocation from this subnet.",
            )
    network = net.networks.get(record["network_id"])
    if network is not None and record["id"] in network["subnets"]:
        network["subnets"].remove(record["id"])
        net.touch(network)
    net.allocators.pop(record["id"], None)
    net.subnets.remove(record["id"])
