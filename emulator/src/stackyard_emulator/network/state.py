"""Neutron's data for one cloud, and the rules shared by every network resource."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackyard_emulator.errors import ApiError, neutron_error
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.store import Record, Table
from stackyard_emulator.timeutil import iso_z

from .ipam import Allocator

if TYPE_CHECKING:
    from stackyard_emulator.cloud import Cloud

QUOTA_DEFAULTS: dict[str, int] = {
    "network": 100,
    "subnet": 100,
    "port": 500,
    "router": 10,
    "floatingip": 50,
    "security_group": 10,
    "security_group_rule": 100,
    "rbac_policy": 10,
}

# Which table each quota resource counts.
QUOTA_TABLES = {
    "network": "networks",
    "subnet": "subnets",
    "port": "ports",
    "router": "routers",
    "floatingip": "floating_ips",
    "security_group": "security_groups",
    "security_group_rule": "security_group_rules",
    "rbac_policy": "rbac_policies",
}


class Caller:
    """The project a network request acts for and whether it is an admin."""

    __slots__ = ("is_admin", "project_id")

    def __init__(self, project_id: str, is_admin: bool) -> None:
        self.project_id = project_id
        self.is_admin = is_admin


def bad_request(message: str, kind: str = "BadRequest") -> ApiError:
    """Neutron's 400."""
    return neutron_error(400, kind, message)


def invalid_input(message: str) -> ApiError:
    """Neutron's InvalidInput 400."""
    return neutron_error(400, "InvalidInput", f"Invalid input for operation: {message}.")


def not_found(kind: str, rid: str) -> ApiError:
    """Neutron's 404 (``NetworkNotFound``, ``PortNotFound``, ...)."""
    words = {
        "Network": "Network",
        "Subnet": "Subnet",
        "Port": "Port",
        "Router": "Router",
        "FloatingIP": "Floating IP",
        "SecurityGroup": "Security group",
        "SecurityGroupRule": "Security group rule",
        "RbacPolicy": "RBAC policy",
    }
    return neutron_error(
        404, f"{kind}NotFound", f"{words.get(kind, kind)} {rid} could not be found."
    )


class NetworkState:
    """Every Neutron resource of one cloud, with the indexes that keep it fast."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.networks = Table()
        self.subnets = Table()
        self.ports = Table()
        self.routers = Table()
        self.floating_ips = Table()
        self.security_groups = Table()
        self.security_group_rules = Table()
        self.rbac_policies = Table()
        self.allocators: dict[str, Allocator] = {}
        self.device_ports: dict[str, set[str]] = {}
        self.network_ports: dict[str, set[str]] = {}
        self.macs: set[str] = set()
        self.default_groups: dict[str, str] = {}
        self.quota_defaults = dict(QUOTA_DEFAULTS)
        self.quota_overrides: dict[str, dict[str, int]] = {}

    # ----- shared attributes -------------------------------------------------

    @staticmethod
    def standard(project_id: str, body: dict[str, Any], name_default: str = "") -> Record:
        """The attributes every Neutron resource has (id, project, timestamps, tags)."""
        now = iso_z()
        return {
            "id": new_uuid(),
            "name": str(body.get("name", name_default) or ""),
            "tenant_id": project_id,
            "project_id": project_id,
            "description": str(body.get("description", "") or ""),
            "tags": [str(t) for t in body.get("tags", []) or []],
            "created_at": now,
            "updated_at": now,
            "revision_number": 0,
        }

    @staticmethod
    def touch(record: Record) -> None:
        """Bump the revision and ``updated_at`` after a change."""
        record["revision_number"] = int(record.get("revision_number", 0)) + 1
        record["updated_at"] = iso_z()

    def owner_for(self, caller: Caller, body: dict[str, Any], kind: str) -> str:
        """The project a new resource belongs to: the caller's, or any for an admin."""
        wanted = body.get("project_id") or body.get("tenant_id")
        if wanted and wanted != caller.project_id:
            if not caller.is_admin:
                raise neutron_error(
                    403,
                    "PolicyNotAuthorized",
                    f"(rule:create_{kind} and rule:create_{kind}:tenant_id) is disallowed by "
                    "policy",
                )
            return str(wanted)
        return caller.project_id

    # ----- quotas -------------------------------------------------------------

    def quota(self, project_id: str) -> dict[str, int]:
        """The effective limits of a project."""
        limits = dict(self.quota_defaults)
        limits.update(self.quota_overrides.get(project_id, {}))
        return limits

    def used(self, project_id: str, resource: str) -> int:
        """How many of ``resource`` the project holds (O(1))."""
        table: Table = getattr(self, QUOTA_TABLES[resource])
        return table.count(project_id)

    def check_quota(self, project_id: str, resource: str, wanted: int = 1) -> None:
        """Neutron's 409 OverQuota when ``wanted`` more would exceed the limit."""
        if not project_id:
            return
        limit = self.quota(project_id)[resource]
        if limit >= 0 and self.used(project_id, resource) + wanted > limit:
            raise neutron_error(409, "OverQuota", f"Quota exceeded for resources: ['{resource}'].")

    # ----- visibility -----------------------------------------------------------

    def rbac_targets(self, object_id: str, action: str) -> set[str]:
        """The projects (or ``*``) an RBAC policy grants ``action`` on the object to."""
        targets: set[str] = set()
        for policy in self.rbac_policies.values():
            if policy["object_id"] == object_id and policy["action"] == action:
                targets.add(policy["target_tenant"])
        return targets

    def network_visible(self, network: Record, caller: Caller) -> bool:
        """Whether the caller may see ``network`` (own, shared or external to them)."""
        if caller.is_admin or network["project_id"] == caller.project_id:
            return True
        return bool(network.get("_grants", set()) & {"*", caller.project_id})

    def refresh_network_flags(self, network: Record) -> None:
        """Recompute ``shared``/``router:external`` and the grant set from RBAC policies."""
        shared = self.rbac_targets(network["id"], "access_as_shared")
        external = self.rbac_targets(network["id"], "access_as_external")
        network["shared"] = "*" in shared
        network["router:external"] = "*" in external or bool(external)
        network["_grants"] = shared | external

    def add_rbac(
        self, project_id: str, object_type: str, object_id: str, action: str, target: str
    ) -> Record:
        """Record an RBAC policy and apply it to its object."""
        record = self.standard(project_id, {})
        del record["name"], record["tags"]
        record.update(
            object_type=object_type, object_id=object_id, action=action, target_tenant=target
        )
        self.rbac_policies.insert(record, project_id)
        if object_type == "network":
            network = self.networks.get(object_id)
            if network is not None:
                self.refresh_network_flags(network)
        return record

    def remove_rbac(self, policy: Record) -> None:
        """Drop an RBAC policy and un-apply it."""
        self.rbac_policies.remove(policy["id"])
        if policy["object_type"] == "network":
            network = self.networks.get(policy["object_id"])
            if network is not None:
                self.refresh_network_flags(network)

    # ----- lookups -------------------------------------------------------------

    def network(self, network_id: str, caller: Caller) -> Record:
        """A network the caller can see, or 404."""
        network = self.networks.get(network_id)
        if network is None or not self.network_visible(network, caller):
            raise not_found("Network", network_id)
        return network

    def subnet(self, subnet_id: str, caller: Caller) -> Record:
        """A subnet the caller can see, or 404."""
        subnet = self.subnets.get(subnet_id)
        if subnet is None:
            raise not_found("Subnet", subnet_id)
        network = self.networks.get(subnet["network_id"])
        if network is None or not self.network_visible(network, caller):
            raise not_found("Subnet", subnet_id)
        return subnet

    def owned(self, table: Table, kind: str, rid: str, caller: Caller) -> Record:
        """A resource the caller owns (or any, for an admin), or 404."""
        record = table.get(rid)
        if record is None or not (caller.is_admin or record["project_id"] == caller.project_id):
            raise not_found(kind, rid)
        return record

    def ports_on_network(self, network_id: str) -> list[Record]:
        """Every port of a network."""
        ports = (self.ports.get(p) for p in self.network_ports.get(network_id, ()))
        return [p for p in ports if p is not None]

    def ports_of_device(self, device_id: str) -> list[Record]:
        """Every port bound to a device (server, router, floating IP)."""
        ports = (self.ports.get(p) for p in sorted(self.device_ports.get(device_id, ())))
        return [p for p in ports if p is not None]

    def index_port(self, port: Record) -> None:
        """Add a port to the device and network indexes."""
        if port.get("device_id"):
            self.device_ports.setdefault(port["device_id"], set()).add(port["id"])
        self.network_ports.setdefault(port["network_id"], set()).add(port["id"])

    def unindex_port(self, port: Record) -> None:
        """Remove a port from the device and network indexes."""
        device = port.get("device_id")
        if device and device in self.device_ports:
            self.device_ports[device].discard(port["id"])
            if not self.device_ports[device]:
                del self.device_ports[device]
        if port["network_id"] in self.network_ports:
            self.network_ports[port["network_id"]].discard(port["id"])

    def external_networks(self) -> list[Record]:
        """Networks with ``router:external``."""
        return [n for n in self.networks.values() if n.get("router:external")]
