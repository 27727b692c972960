"""What each Neutron collection is: its table, rules, views and filterable attributes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stackyard_emulator.auth import AuthContext
from stackyard_emulator.errors import ApiError, neutron_error
from stackyard_emulator.network import floating, networks, ports, routers, security
from stackyard_emulator.network.state import Caller, NetworkState, not_found
from stackyard_emulator.network.views import View, group_view, network_view, plain_view, port_view
from stackyard_emulator.store import Record, Table


def bad(message: str) -> ApiError:
    """Neutron's generic 400."""
    return neutron_error(400, "HTTPBadRequest", message)


def caller_of(context: AuthContext) -> Caller:
    """The network caller a token describes."""
    return Caller(context.project, context.is_admin)


@dataclass(frozen=True)
class Collection:
    """How one Neutron resource is stored, checked and shown."""

    plural: str
    singular: str
    kind: str
    table: Callable[[NetworkState], Table]
    create: Callable[[NetworkState, Caller, dict[str, Any]], Record]
    update: Callable[[NetworkState, Caller, Record, dict[str, Any]], None]
    delete: Callable[[NetworkState, Caller, Record], None]
    visible: Callable[[NetworkState, Record, Caller], bool]
    view: View = plain_view
    own_only: bool = True  # non-admins see only their own records (use the project index)


def _own(net: NetworkState, record: Record, caller: Caller) -> bool:
    return caller.is_admin or record["project_id"] == caller.project_id


def _subnet_visible(net: NetworkState, record: Record, caller: Caller) -> bool:
    network = net.networks.get(record["network_id"])
    return network is not None and net.network_visible(network, caller)


def _rbac_visible(net: NetworkState, record: Record, caller: Caller) -> bool:
    return _own(net, record, caller) or record["target_tenant"] == caller.project_id


def _update_rule(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    if set(body) - {"description"}:
        raise bad(
            "Cannot update read-only attribute " + ", ".join(sorted(set(body) - {"description"}))
        )
    record["description"] = body.get("description", record["description"])
    net.touch(record)


def _update_rbac(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    if not _own(net, record, caller):
        raise not_found("RbacPolicy", record["id"])
    if "target_tenant" in body:
        record["target_tenant"] = str(body["target_tenant"])
        if record["object_type"] == "network":
            network = net.networks.get(record["object_id"])
            if network is not None:
                net.refresh_network_flags(network)
    net.touch(record)


COLLECTIONS = [
    Collection(
        "networks",
        "network",
        "Network",
        lambda n: n.networks,
        networks.create_network,
        networks.update_network,
        networks.delete_network,
        lambda n, r, c: n.network_visible(r, c),
        network_view,
        own_only=False,
    ),
    Collection(
        "subnets",
        "subnet",
        "Subnet",
        lambda n: n.subnets,
        networks.create_subnet,
        networks.update_subnet,
        networks.delete_subnet,
        _subnet_visible,
        own_only=False,
    ),
    Collection(
        "ports",
        "port",
        "Port",
        lambda n: n.ports,
        ports.create_port,
        ports.update_port,
        ports.delete_port,
        _own,
        port_view,
    ),
    Collection(
        "routers",
        "router",
        "Router",
        lambda n: n.routers,
        routers.create_router,
        routers.update_router,
        routers.delete_router,
        _own,
    ),
    Collection(
        "floatingips",
        "floatingip",
        "FloatingIP",
        lambda n: n.floating_ips,
        floating.create_floating_ip,
        floating.update_floating_ip,
        floating.delete_floating_ip,
        _own,
    ),
    Collection(
        "security-groups",
        "security_group",
        "SecurityGroup",
        lambda n: n.security_groups,
        security.create_group,
        security.update_group,
        security.delete_group,
        security.group_visible,
        group_view,
        own_only=False,
    ),
    Collection(
        "security-group-rules",
        "security_group_rule",
        "SecurityGroupRule",
        lambda n: n.security_group_rules,
        security.create_rule,
        _update_rule,
        security.delete_rule,
        _own,
    ),
    Collection(
        "rbac-policies",
        "rbac_policy",
        "RbacPolicy",
        lambda n: n.rbac_policies,
        security.create_rbac,
        _update_rbac,
        security.delete_rbac,
        _rbac_visible,
        own_only=False,
    ),
]
BY_PLURAL = {c.plural: c for c in COLLECTIONS}


def fetch(coll: Collection, net: NetworkState, rid: str, caller: Caller) -> Record:
    """A record the caller can see, or the resource's 404."""
    record = coll.table(net).get(rid)
    if record is None or not coll.visible(net, record, caller):
        raise not_found(coll.kind, rid)
    return record


def attributes(coll: Collection, net: NetworkState) -> set[str]:
    # Filterable attributes are the attributes the resource shows.
    sample = {
        "networks": [
            "admin_state_up",
            "status",
            "subnets",
            "shared",
            "router:external",
            "mtu",
            "port_security_enabled",
            "availability_zone_hints",
            "availability_zones",
            "is_default",
            "qos_policy_id",
            "provider:network_type",
            "provider:physical_network",
            "provider:segmentation_id",
        ],
        "subnets": [
            "network_id",
            "ip_version",
            "cidr",
            "gateway_ip",
            "allocation_pools",
            "dns_nameservers",
            "host_routes",
            "enable_dhcp",
            "ipv6_ra_mode",
            "ipv6_address_mode",
            "subnetpool_id",
            "segment_id",
        ],
        "ports": [
            "network_id",
            "admin_state_up",
            "mac_address",
            "fixed_ips",
            "device_id",
            "device_owner",
            "status",
            "security_groups",
            "port_security_enabled",
            "binding:host_id",
            "binding:vnic_type",
            "binding:vif_type",
            "dns_name",
        ],
        "routers": ["admin_state_up", "status", "distributed", "ha", "flavor_id"],
        "floatingips": [
            "floating_ip_address",
            "floating_network_id",
            "router_id",
            "port_id",
            "fixed_ip_address",
            "status",
        ],
        "security-groups": ["stateful", "shared"],
        "security-group-rules": [
            "security_group_id",
            "direction",
            "ethertype",
            "protocol",
            "port_range_min",
            "port_range_max",
            "remote_ip_prefix",
            "remote_group_id",
            "remote_address_group_id",
        ],
        "rbac-policies": ["object_type", "object_id", "action", "target_tenant"],
    }[coll.plural]
    return {
        "id",
        "name",
        "tenant_id",
        "project_id",
        "description",
        "revision_number",
        "created_at",
        "updated_at",
        *sample,
    }
