"""Neutron floating IPs: allocation from the external network, association by port."""

from __future__ import annotations

import ipaddress
from typing import Any

from stackyard_emulator.errors import neutron_error
from stackyard_emulator.store import Record

from . import ports as port_ops
from .state import Caller, NetworkState, bad_request, not_found

_TENANTLESS = Caller("", True)


def _router_for(net: NetworkState, network_id: str, port: Record, fixed_ip: str) -> Record:
    """The router that connects the port's subnet to the external network, or 404."""
    subnet_id = next(ip["subnet_id"] for ip in port["fixed_ips"] if ip["ip_address"] == fixed_ip)
    for router in net.routers.values():
        gateway = router.get("external_gateway_info")
        if not gateway or gateway["network_id"] != network_id:
            continue
        for iface in net.ports_of_device(router["id"]):
            if iface["device_owner"] != "network:router_interface":
                continue
            if any(ip["subnet_id"] == subnet_id for ip in iface["fixed_ips"]):
                return router
    raise neutron_error(
        404,
        "ExternalGatewayForFloatingIPNotFound",
        f"External network {network_id} is not reachable from subnet {subnet_id}.  Therefore, "
        f"cannot associate Port {port['id']} with a Floating IP.",
    )


def _associate(net: NetworkState, caller: Caller, fip: Record, port_id: Any, fixed_ip: Any) -> None:
    if not port_id:
        fip.update(
            port_id=None, fixed_ip_address=None, router_id=None, status="DOWN", port_details=None
        )
        return
    port = net.owned(net.ports, "Port", str(port_id), caller)
    v4 = [
        ip["ip_address"]
        for ip in port["fixed_ips"]
        if ipaddress.ip_address(ip["ip_address"]).version == 4
    ]
    if fixed_ip is None:
        if not v4:
            raise bad_request(
                f"Bad floatingip request: Port {port_id} does not have any IPv4 address."
            )
        if len(v4) > 1:
            raise bad_request(
                f"Bad floatingip request: Port {port_id} has multiple fixed IPv4 "
                "addresses.  Must provide a specific IPv4 address when assigning "
                "a floating IP."
            )
        fixed_ip = v4[0]
    elif fixed_ip not in v4:
        raise bad_request(
            f"Bad floatingip request: Port {port_id} does not have fixed ip {fixed_ip}."
        )
    for other in net.floating_ips.values():
        if (
            other["id"] != fip["id"]
            and other.get("port_id") == port["id"]
            and other.get("fixed_ip_address") == fixed_ip
            and other["floating_network_id"] == fip["floating_network_id"]
        ):
            raise neutron_error(
                409,
                "FloatingIPPortAlreadyAssociated",
                f"Cannot associate floating IP {fip['floating_ip_address']} ({fip['id']}) with "
                f"port {port['id']} using fixed IP {fixed_ip}, as that fixed IP already has a "
                f"floating IP on external network {fip['floating_network_id']}.",
            )
    router = _router_for(net, fip["floating_network_id"], port, str(fixed_ip))
    fip.update(
        port_id=port["id"],
        fixed_ip_address=str(fixed_ip),
        router_id=router["id"],
        status="ACTIVE",
        port_details={
            "name": port["name"],
            "network_id": port["network_id"],
            "mac_address": port["mac_address"],
            "admin_state_up": port["admin_state_up"],
            "status": port_ops.port_status(net, port),
            "device_id": port["device_id"],
            "device_owner": port["device_owner"],
        },
    )


def create_floating_ip(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Allocate a floating IP from an external network (and associate it when asked)."""
    network_id = str(body.get("floating_network_id", ""))
    if not network_id:
        raise bad_request(
            "Failed to parse request. Required attribute 'floating_network_id' not specified"
        )
    network = net.networks.get(network_id)
    if network is None or not net.network_visible(network, caller):
        raise not_found("Network", network_id)
    if not network.get("router:external"):
        raise bad_request(
            f"Bad floatingip request: Network {network_id} is not a valid external network."
        )
    project_id = net.owner_for(caller, body, "floatingip")
    net.check_quota(project_id, "floatingip")
    fixed: list[dict[str, Any]] | None = None
    if body.get("floating_ip_address") or body.get("subnet_id"):
        request: dict[str, Any] = {}
        if body.get("subnet_id"):
            request["subnet_id"] = body["subnet_id"]
        if body.get("floating_ip_address"):
            request["ip_address"] = body["floating_ip_address"]
        fixed = [request]
    record = net.standard(project_id, body)
    del record["name"]
    port = port_ops.create_port(
        net,
        _TENANTLESS,
        {
            "network_id": network_id,
            "device_owner": "network:floatingip",
            "device_id": record["id"],
            "fixed_ips": fixed,
            "tenant_id": "",
            "port_security_enabled": False,
        },
    )
    v4 = [ip for ip in port["fixed_ips"] if ipaddress.ip_address(ip["ip_address"]).version == 4]
    address = (v4 or port["fixed_ips"])[0]["ip_address"] if port["fixed_ips"] else None
    record.update(
        {
            "floating_ip_address": address,
            "floating_network_id": network_id,
            "router_id": None,
            "port_id": None,
            "fixed_ip_address": None,
            "status": "DOWN",
            "port_details": None,
            "dns_domain": "",
            "dns_name": "",
            "qos_policy_id": None,
            "port_forwardings": [],
        }
    )
    try:
        _associate(net, caller, record, body.get("port_id"), body.get("fixed_ip_address"))
    except Exception:
        port_ops.delete_port(net, _TENANTLESS, port, internal=True)
        raise
    net.floating_ips.insert(record, project_id)
    return record


def update_floating_ip(
    net: NetworkState, caller: Caller, fip: Record, body: dict[str, Any]
) -> None:
    """Associate (``port_id``), re-associate or disassociate (``port_id: null``)."""
    if fip["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("FloatingIP", fip["id"])
    if "port_id" in body:
        _associate(net, caller, fip, body["port_id"], body.get("fixed_ip_address"))
    for key in ("description",):
        if key in body:
            fip[key] = body[key]
    net.touch(fip)


def delete_floating_ip(net: NetworkState, caller: Caller, fip: Record) -> None:
    """Release a floating IP and its address."""
    if fip["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("FloatingIP", fip["id"])
    for port in net.ports_of_device(fip["id"]):
        port_ops.delete_port(net, _TENANTLESS, port, internal=True)
    net.floating_ips.remove(fip["id"])
