"""Neutron routers (gateway, interfaces, static routes) and floating IPs."""

from __future__ import annotations

import ipaddress
from typing import Any

from stackyard_emulator.errors import neutron_error
from stackyard_emulator.store import Record

from . import ports as port_ops
from .ipam import parse_cidr
from .state import Caller, NetworkState, bad_request, not_found

_TENANTLESS = Caller("", True)


def _gateway(net: NetworkState, caller: Caller, router: Record, info: Any) -> None:
    """Set, change or clear a router's external gateway (and its gateway port)."""
    for port in net.ports_of_device(router["id"]):
        if port["device_owner"] == "network:router_gateway":
            port_ops.delete_port(net, _TENANTLESS, port, internal=True)
    router["external_gateway_info"] = None
    if not info:
        return
    network_id = str(info.get("network_id", ""))
    network = net.networks.get(network_id)
    if network is None or not network.get("router:external"):
        raise bad_request(
            f"Bad router request: Network {network_id} is not an external network.",
            "BadRequest",
        )
    requested = info.get("external_fixed_ips") or None
    port = port_ops.create_port(
        net,
        _TENANTLESS,
        {
            "network_id": network_id,
            "device_owner": "network:router_gateway",
            "device_id": router["id"],
            "fixed_ips": requested,
            "tenant_id": "",
            "port_security_enabled": False,
        },
    )
    router["external_gateway_info"] = {
        "network_id": network_id,
        "enable_snat": bool(info.get("enable_snat", True)),
        "external_fixed_ips": [dict(ip) for ip in port["fixed_ips"]],
    }


def create_router(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Create a router, with its gateway port when ``external_gateway_info`` is given."""
    project_id = net.owner_for(caller, body, "router")
    net.check_quota(project_id, "router")
    record = net.standard(project_id, body)
    record.update(
        {
            "admin_state_up": bool(body.get("admin_state_up", True)),
            "status": "ACTIVE",
            "external_gateway_info": None,
            "routes": [],
            "distributed": bool(body.get("distributed", False)),
            "ha": bool(body.get("ha", False)),
            "availability_zone_hints": list(body.get("availability_zone_hints", []) or []),
            "availability_zones": ["nova"],
            "flavor_id": None,
            "enable_ndp_proxy": False,
        }
    )
    net.routers.insert(record, project_id)
    try:
        _gateway(net, caller, record, body.get("external_gateway_info"))
    except Exception:
        net.routers.remove(record["id"])
        raise
    return record


def _interface_subnets(net: NetworkState, router_id: str) -> list[str]:
    return [
        ip["subnet_id"]
        for port in net.ports_of_device(router_id)
        if port["device_owner"] == "network:router_interface"
        for ip in port["fixed_ips"]
    ]


def _check_routes(net: NetworkState, router: Record, routes: Any) -> list[dict[str, str]]:
    if not isinstance(routes, list):
        raise bad_request(f"Invalid format for routes: {routes}", "InvalidRoutes")
    subnets = [net.subnets.get(s) for s in _interface_subnets(net, router["id"])]
    connected = [parse_cidr(subnet["cidr"]) for subnet in subnets if subnet is not None]
    result = []
    for route in routes:
        try:
            parse_cidr(str(route["destination"]))
            hop = ipaddress.ip_address(str(route["nexthop"]))
        except (KeyError, TypeError, ValueError):
            raise bad_request(f"Invalid format for routes: {routes}", "InvalidRoutes") from None
        if not any(hop in cidr for cidr in connected):
            raise bad_request(
                f"Invalid format for routes: {routes}, the nexthop is not connected with router",
                "InvalidRoutes",
            )
        result.append({"destination": str(route["destination"]), "nexthop": str(hop)})
    return result


def update_router(net: NetworkState, caller: Caller, router: Record, body: dict[str, Any]) -> None:
    """Update a router: gateway, static routes, name, state."""
    if router["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Router", router["id"])
    if "external_gateway_info" in body:
        old = router["external_gateway_info"]
        new = body["external_gateway_info"]
        if old and (not new or new.get("network_id") != old["network_id"]):
            for fip in net.floating_ips.values():
                if fip.get("router_id") == router["id"]:
                    raise neutron_error(
                        409,
                        "RouterExternalGatewayInUseByFloatingIp",
                        f"Gateway cannot be updated for router {router['id']}, since a gateway "
                        f"to external network {old['network_id']} is required by one or more "
                        "floating IPs.",
                    )
        if new != old:
            _gateway(net, caller, router, new)
    if "routes" in body:
        router["routes"] = _check_routes(net, router, body["routes"])
    for key in ("name", "description", "admin_state_up"):
        if key in body:
            router[key] = body[key]
    net.touch(router)


def delete_router(net: NetworkState, caller: Caller, router: Record) -> None:
    """Delete a router; 409 RouterInUse while it has interfaces."""
    if router["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Router", router["id"])
    if _interface_subnets(net, router["id"]):
        raise neutron_error(409, "RouterInUse", f"Router {router['id']} still has ports")
    for fip in net.floating_ips.values():
        if fip.get("router_id") == router["id"]:
            raise neutron_error(409, "RouterInUse", f"Router {router['id']} still has ports")
    _gateway(net, caller, router, None)
    net.routers.remove(router["id"])


def _interface_reply(router: Record, port: Record) -> dict[str, Any]:
    subnets = [ip["subnet_id"] for ip in port["fixed_ips"]]
    return {
        "id": router["id"],
        "tenant_id": router["project_id"],
        "project_id": router["project_id"],
        "port_id": port["id"],
        "network_id": port["network_id"],
        "subnet_id": subnets[0] if subnets else None,
        "subnet_ids": subnets,
    }


def add_interface(
    net: NetworkState, caller: Caller, router: Record, body: dict[str, Any]
) -> dict[str, Any]:
    """Attach a subnet (taking its gateway address) or an existing port to a router."""
    if router["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Router", router["id"])
    subnet_id, port_id = body.get("subnet_id"), body.get("port_id")
    if bool(subnet_id) == bool(port_id):
        raise bad_request("Bad router request: Either subnet_id or port_id must be specified.")
    existing = _interface_subnets(net, router["id"])
    if port_id:
        port = net.owned(net.ports, "Port", str(port_id), caller)
        if port["device_id"]:
            raise neutron_error(
                409,
                "PortInUse",
                f"Unable to complete operation on port {port_id} for network "
                f"{port['network_id']}. Port already has an attached device {port['device_id']}.",
            )
        if not port["fixed_ips"]:
            raise bad_request("Bad router request: Router port must have at least one fixed IP.")
        new_subnets = [ip["subnet_id"] for ip in port["fixed_ips"]]
    else:
        subnet = net.subnet(str(subnet_id), caller)
        if not subnet["gateway_ip"]:
            raise bad_request(
                "Bad router request: Subnet for router interface must have a gateway IP."
            )
        new_subnets = [subnet["id"]]
    for new_id in new_subnets:
        if new_id in existing:
            raise bad_request(f"Bad router request: Router already has a port on subnet {new_id}.")
        new_cidr = parse_cidr(net.subnets.get(new_id)["cidr"])  # type: ignore[index]
        for old_id in existing:
            old = net.subnets.get(old_id)
            if old is not None and parse_cidr(old["cidr"]).overlaps(new_cidr):
                raise bad_request(
                    f"Bad router request: Cidr {new_cidr} of subnet {new_id} overlaps with cidr "
                    f"{old['cidr']} of subnet {old_id}."
                )
    if port_id:
        port_ops.update_port(
            net,
            _TENANTLESS,
            port,
            {"device_id": router["id"], "device_owner": "network:router_interface"},
        )
    else:
        allocator = net.allocators[subnet["id"]]
        allocator.release(subnet["gateway_ip"])  # the reserved gateway goes to the router
        try:
            port = port_ops.create_port(
                net,
                caller if caller.is_admin else Caller(router["project_id"], True),
                {
                    "network_id": subnet["network_id"],
                    "tenant_id": router["project_id"],
                    "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]}],
                    "device_id": router["id"],
                    "device_owner": "network:router_interface",
                    "port_security_enabled": False,
                },
            )
        except Exception:
            allocator.allocate(subnet["gateway_ip"])
            raise
    net.touch(router)
    return _interface_reply(router, port)


def remove_interface(
    net: NetworkState, caller: Caller, router: Record, body: dict[str, Any]
) -> dict[str, Any]:
    """Detach a subnet or port; 409 while floating IPs or routes need it."""
    if router["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Router", router["id"])
    subnet_id, port_id = body.get("subnet_id"), body.get("port_id")
    if not subnet_id and not port_id:
        raise bad_request("Bad router request: Either subnet_id or port_id must be specified.")
    interfaces = [
        p
        for p in net.ports_of_device(router["id"])
        if p["device_owner"] == "network:router_interface"
    ]
    if port_id:
        matches = [p for p in interfaces if p["id"] == port_id]
        if not matches:
            raise neutron_error(
                404,
                "RouterInterfaceNotFound",
                f"Router {router['id']} does not have an interface with id {port_id}",
            )
    else:
        matches = [
            p for p in interfaces if any(ip["subnet_id"] == subnet_id for ip in p["fixed_ips"])
        ]
        if not matches:
            raise neutron_error(
                404,
                "RouterInterfaceNotFoundForSubnet",
                f"Router {router['id']} has no interface on subnet {subnet_id}",
            )
    port = matches[0]
    for ip in port["fixed_ips"]:
        subnet = net.subnets.get(ip["subnet_id"])
        if subnet is None:
            continue
        cidr = parse_cidr(subnet["cidr"])
        for fip in net.floating_ips.values():
            if (
                fip.get("router_id") == router["id"]
                and fip.get("fixed_ip_address")
                and (ipaddress.ip_address(fip["fixed_ip_address"]) in cidr)
            ):
                raise neutron_error(
                    409,
                    "RouterInterfaceInUseByFloatingIP",
                    f"Router interface for subnet {subnet['id']} on router {router['id']} cannot "
                    "be deleted, as it is required by one or more floating IPs.",
                )
        for route in router["routes"]:
            if ipaddress.ip_address(route["nexthop"]) in cidr:
                raise neutron_error(
                    409,
                    "RouterInterfaceInUse",
                    f"Router interface for subnet {subnet['id']} on router {router['id']} cannot "
                    "be deleted, as it is required by one or more routes.",
                )
    result = _interface_reply(router, port)
    port_ops.delete_port(net, _TENANTLESS, port, internal=True)
    for ip in port["fixed_ips"]:
        subnet = net.subnets.get(ip["subnet_id"])
        allocator = net.allocators.get(ip["subnet_id"])
        if (
            subnet is not None
            and allocator is not None
            and ip["ip_address"] == subnet["gateway_ip"]
        ):
            allocator.allocate(subnet["gateway_ip"])  # reserve the gateway again
    net.touch(router)
    return result
