"""Neutron ports: fixed IPs from subnets, MACs, security groups, address pairs, binding."""

from __future__ import annotations

import ipaddress
import random
from typing import Any

from stackyard_emulator.errors import neutron_error
from stackyard_emulator.store import Record

from .security import default_group, group_visible
from .state import Caller, NetworkState, bad_request, invalid_input, not_found


def _mac(net: NetworkState) -> str:
    while True:
        # fa:16:3e is the OUI Neutron's base_mac uses.
        tail = ":".join(f"{random.randint(0, 255):02x}" for _ in range(3))  # noqa: S311
        mac = f"fa:16:3e:{tail}"
        if mac not in net.macs:
            return mac


def _allocate(net: NetworkState, network: Record, requested: Any) -> list[dict[str, str]]:
    """Allocate the requested fixed IPs (or one per IP version) on ``network``."""
    fixed: list[dict[str, str]] = []
    try:
        if requested is None:
            seen_versions: set[int] = set()
            for subnet_id in network["subnets"]:
                subnet = net.subnets.get(subnet_id)
                allocator = net.allocators.get(subnet_id)
                if subnet is None or allocator is None or subnet["ip_version"] in seen_versions:
                    continue
                if allocator.full():
                    continue
                fixed.append({"subnet_id": subnet_id, "ip_address": allocator.allocate()})
                seen_versions.add(subnet["ip_version"])
            if network["subnets"] and not fixed:
                raise neutron_error(
                    409,
                    "IpAddressGenerationFailure",
                    f"No more IP addresses available on network {network['id']}.",
                )
            return fixed
        if not isinstance(requested, list):
            raise invalid_input(f"Invalid data format for fixed IP: '{requested}'")
        for item in requested:
            if not isinstance(item, dict):
                raise invalid_input(f"Invalid data format for fixed IP: '{item}'")
            subnet_id = item.get("subnet_id")
            address = item.get("ip_address")
            if subnet_id is None and address is None:
                raise invalid_input(f"Invalid data format for fixed IP: '{item}'")
            if subnet_id is None:
                for candidate in network["subnets"]:
                    allocator = net.allocators.get(candidate)
                    if allocator is not None and allocator.contains(str(address)):
                        subnet_id = candidate
                        break
                if subnet_id is None:
                    raise bad_request(
                        f"Invalid input for operation: IP address {address} is not a valid IP "
                        "for any of the subnets on the specified network.",
                        "InvalidInput",
                    )
            if subnet_id not in network["subnets"]:
                raise invalid_input(
                    f"Failed to create port on network {network['id']}, because fixed_ips "
                    "included invalid subnet {subnet_id}".replace("{subnet_id}", str(subnet_id))
                )
            allocator = net.allocators[str(subnet_id)]
            ip = allocator.allocate(None if address is None else str(address))
            fixed.append({"subnet_id": str(subnet_id), "ip_address": ip})
    except Exception:
        release(net, fixed)
        raise
    return fixed


def release(net: NetworkState, fixed: list[dict[str, str]]) -> None:
    """Give fixed IPs back to their subnets."""
    for item in fixed:
        allocator = net.allocators.get(item["subnet_id"])
        if allocator is not None:
            allocator.release(item["ip_address"])


def _groups(net: NetworkState, caller: Caller, project_id: str, ids: Any) -> list[str]:
    if not isinstance(ids, list):
        raise invalid_input(f"Invalid data format for security_groups: '{ids}'")
    result = []
    for sg_id in ids:
        group = net.security_groups.get(str(sg_id))
        if group is None or not group_visible(net, group, Caller(project_id, caller.is_admin)):
            raise neutron_error(
                404, "SecurityGroupNotFound", f"Security group {sg_id} does not exist"
            )
        result.append(group["id"])
    return result


def _pairs(raw: Any, mac: str) -> list[dict[str, str]]:
    pairs = []
    for pair in raw or []:
        if not isinstance(pair, dict) or "ip_address" not in pair:
            raise neutron_error(
                400, "AllowedAddressPairsMissingIP", "AllowedAddressPair must contain ip_address"
            )
        try:
            ipaddress.ip_network(str(pair["ip_address"]), strict=False)
        except ValueError:
            raise invalid_input(f"'{pair['ip_address']}' is not a valid IP address") from None
        pairs.append(
            {
                "ip_address": str(pair["ip_address"]),
                "mac_address": str(pair.get("mac_address") or mac),
            }
        )
    return pairs


def create_port(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Create a port: allocate fixed IPs and a MAC, apply the project's default group."""
    network_id = str(body.get("network_id", ""))
    if not network_id:
        raise bad_request("Failed to parse request. Required attribute 'network_id' not specified")
    network = net.network(network_id, caller)
    if (
        not caller.is_admin
        and network["project_id"] != caller.project_id
        and not (net.rbac_targets(network_id, "access_as_shared") & {"*", caller.project_id})
    ):
        # Visible (e.g. external) is not enough: ports need an owned or shared network.
        raise neutron_error(
            403,
            "PolicyNotAuthorized",
            "(rule:create_port and rule:create_port:network_id) is disallowed by policy",
        )
    project_id = net.owner_for(caller, body, "port")
    net.check_quota(project_id, "port")
    mac = body.get("mac_address")
    if mac:
        mac = str(mac).lower()
        if mac in net.macs:
            raise neutron_error(
                409,
                "MacAddressInUse",
                f"Unable to complete operation for network {network_id}. The mac address {mac} "
                "is in use.",
            )
    else:
        mac = _mac(net)
    owner = str(body.get("device_owner", "") or "")
    security = bool(body.get("port_security_enabled", network["port_security_enabled"]))
    if body.get("security_groups"):
        groups = _groups(net, caller, project_id, body["security_groups"])
        if not security:
            raise neutron_error(
                400,
                "PortSecurityAndIPRequiredForSecurityGroups",
                "Port security must be enabled and port must have an IP address in order to use "
                "security groups.",
            )
    elif security and not owner.startswith("network:") and project_id:
        groups = [default_group(net, project_id)["id"]]
    else:
        groups = []
    pairs = _pairs(body.get("allowed_address_pairs"), mac)
    if pairs and not security:
        raise neutron_error(
            409,
            "AddressPairAndPortSecurityRequired",
            "Port Security must be enabled in order to have allowed address pairs on a port.",
        )
    fixed = _allocate(net, network, body.get("fixed_ips"))
    record = net.standard(project_id, body)
    host = str(body.get("binding:host_id", "") or "")
    record.update(
        {
            "network_id": network_id,
            "admin_state_up": bool(body.get("admin_state_up", True)),
            "mac_address": mac,
            "fixed_ips": fixed,
            "device_id": str(body.get("device_id", "") or ""),
            "device_owner": owner,
            "status": "DOWN",
            "security_groups": groups,
            "allowed_address_pairs": pairs,
            "extra_dhcp_opts": list(body.get("extra_dhcp_opts", []) or []),
            "port_security_enabled": security,
            "binding:host_id": host,
            "binding:vnic_type": str(body.get("binding:vnic_type", "normal")),
            "binding:profile": dict(body.get("binding:profile", {}) or {}),
            "binding:vif_type": "ovs" if host else "unbound",
            "binding:vif_details": {"port_filter": True} if host else {},
            "dns_name": str(body.get("dns_name", "") or ""),
            "dns_assignment": [
                {
                    "ip_address": ip["ip_address"],
                    "hostname": f"host-{ip['ip_address']}".replace(".", "-").replace(":", "-"),
                    "fqdn": "",
                }
                for ip in fixed
            ],
            "qos_policy_id": body.get("qos_policy_id"),
            "propagate_uplink_status": False,
            "resource_request": None,
            "ip_allocation": "immediate",
        }
    )
    net.macs.add(mac)
    net.ports.insert(record, project_id)
    net.index_port(record)
    return record


def update_port(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    """Update a port; new fixed IPs are allocated before the old ones are released."""
    if record["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("Port", record["id"])
    if "fixed_ips" in body:
        network = net.networks.get(record["network_id"])
        assert network is not None
        wanted = body["fixed_ips"] or []
        # Release first so that addresses the port keeps can be requested again.
        release(net, record["fixed_ips"])
        try:
            fresh = _allocate(net, network, wanted) if wanted else []
        except Exception:
            for ip in record["fixed_ips"]:
                net.allocators[ip["subnet_id"]].allocate(ip["ip_address"])
            raise
        record["fixed_ips"] = fresh
    if "port_security_enabled" in body:
        record["port_security_enabled"] = bool(body["port_security_enabled"])
    if "security_groups" in body:
        groups = _groups(net, caller, record["project_id"], body["security_groups"] or [])
        if groups and not record["port_security_enabled"]:
            raise neutron_error(
                400,
                "PortSecurityAndIPRequiredForSecurityGroups",
                "Port security must be enabled and port must have an IP address in order to use "
                "security groups.",
            )
        record["security_groups"] = groups
    elif (
        "port_security_enabled" in body
        and not record["port_security_enabled"]
        and record["security_groups"]
    ):
        raise neutron_error(
            409,
            "PortSecurityPortHasSecurityGroup",
            "Port has security group associated. Cannot disable port security or ip "
            "address until security group is removed",
        )
    if "allowed_address_pairs" in body:
        record["allowed_address_pairs"] = _pairs(
            body["allowed_address_pairs"], record["mac_address"]
        )
    if "mac_address" in body and body["mac_address"] != record["mac_address"]:
        if not caller.is_admin:
            raise neutron_error(
                403, "PolicyNotAuthorized", "rule:update_port:mac_address is disallowed by policy"
            )
        net.macs.discard(record["mac_address"])
        record["mac_address"] = str(body["mac_address"]).lower()
        net.macs.add(record["mac_address"])
    if "device_id" in body or "device_owner" in body:
        net.unindex_port(record)
        record["device_id"] = str(body.get("device_id", record["device_id"]) or "")
        record["device_owner"] = str(body.get("device_owner", record["device_owner"]) or "")
        net.index_port(record)
    if "binding:host_id" in body:
        host = str(body["binding:host_id"] or "")
        record["binding:host_id"] = host
        record["binding:vif_type"] = "ovs" if host else "unbound"
        record["binding:vif_details"] = {"port_filter": True} if host else {}
    for key in (
        "name",
        "description",
        "admin_state_up",
        "dns_name",
        "extra_dhcp_opts",
        "binding:profile",
        "binding:vnic_type",
        "qos_policy_id",
    ):
        if key in body:
            record[key] = body[key]
    net.touch(record)


def delete_port(
    net: NetworkState, caller: Caller, record: Record, *, internal: bool = False
) -> None:
    """Delete a port, release its addresses and disassociate its floating IPs.

    Router ports can only go through the router API (``internal`` bypasses that check).
    """
    if record["project_id"] != caller.project_id and not caller.is_admin and not internal:
        raise not_found("Port", record["id"])
    owner = record["device_owner"]
    if not internal and owner in (
        "network:router_interface",
        "network:router_gateway",
        "network:floatingip",
        "network:router_interface_distributed",
    ):
        raise neutron_error(
            409,
            "ServicePortInUse",
            f"Port {record['id']} cannot be deleted directly via the port API: has device owner "
            f"{owner}.",
        )
    for fip in net.floating_ips.values():
        if fip.get("port_id") == record["id"]:
            fip.update(
                port_id=None,
                fixed_ip_address=None,
                router_id=None,
                status="DOWN",
                port_details=None,
            )
            net.touch(fip)
    release(net, record["fixed_ips"])
    net.macs.discard(record["mac_address"])
    net.unindex_port(record)
    net.ports.remove(record["id"])


def port_status(net: NetworkState, port: Record) -> str:
    """A port's live status: bound compute ports follow their server, router ports are up."""
    owner = port["device_owner"]
    if owner.startswith("compute:"):
        return "ACTIVE" if net.cloud.compute.server_is_running(port["device_id"]) else "DOWN"
    if owner in ("network:router_interface", "network:router_gateway", "network:dhcp"):
        return "ACTIVE"
    return "N/A" if owner == "network:floatingip" else "DOWN"
