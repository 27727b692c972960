"""Neutron security groups, their rules, and RBAC policies."""

from __future__ import annotations

import ipaddress
from typing import Any

from stackyard_emulator.errors import neutron_error
from stackyard_emulator.store import Record

from .state import Caller, NetworkState, bad_request, invalid_input, not_found

_PROTOCOLS = {
    "tcp": 6,
    "udp": 17,
    "icmp": 1,
    "icmpv6": 58,
    "sctp": 132,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "vrrp": 112,
    "ipv6-icmp": 58,
    "any": None,
}


def group_visible(net: NetworkState, group: Record, caller: Caller) -> bool:
    """Whether the caller may use ``group`` (own, or shared with them by RBAC)."""
    if caller.is_admin or group["project_id"] == caller.project_id:
        return True
    return bool(net.rbac_targets(group["id"], "access_as_shared") & {"*", caller.project_id})


def _rule(
    net: NetworkState,
    group: Record,
    direction: str,
    ethertype: str,
    remote_group: str | None = None,
    **extra: Any,
) -> Record:
    record = net.standard(group["project_id"], extra)
    del record["name"], record["tags"]
    record.update(
        {
            "security_group_id": group["id"],
            "direction": direction,
            "ethertype": ethertype,
            "protocol": extra.get("protocol"),
            "port_range_min": extra.get("port_range_min"),
            "port_range_max": extra.get("port_range_max"),
            "remote_ip_prefix": extra.get("remote_ip_prefix"),
            "remote_group_id": remote_group,
            "remote_address_group_id": None,
            "normalized_cidr": extra.get("normalized_cidr"),
            "belongs_to_default_sg": group["name"] == "default",
        }
    )
    net.security_group_rules.insert(record, group["project_id"])
    group["security_group_rules"].append(record["id"])
    return record


def _new_group(net: NetworkState, project_id: str, body: dict[str, Any]) -> Record:
    record = net.standard(project_id, body)
    record.update(
        {"security_group_rules": [], "stateful": bool(body.get("stateful", True)), "shared": False}
    )
    net.security_groups.insert(record, project_id)
    return record


def default_group(net: NetworkState, project_id: str) -> Record:
    """The project's ``default`` group, made on first use as Neutron does."""
    existing = net.default_groups.get(project_id)
    if existing is not None:
        group = net.security_groups.get(existing)
        if group is not None:
            return group
    group = _new_group(
        net, project_id, {"name": "default", "description": "Default security group"}
    )
    for ethertype in ("IPv4", "IPv6"):
        _rule(net, group, "egress", ethertype)
        _rule(net, group, "ingress", ethertype, remote_group=group["id"])
    net.default_groups[project_id] = group["id"]
    return group


def create_group(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Create a group with Neutron's two egress rules."""
    project_id = net.owner_for(caller, body, "security_group")
    default_group(net, project_id)
    if body.get("name") == "default":
        raise neutron_error(
            409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists."
        )
    net.check_quota(project_id, "security_group")
    group = _new_group(net, project_id, body)
    for ethertype in ("IPv4", "IPv6"):
        _rule(net, group, "egress", ethertype)
    return group


def update_group(net: NetworkState, caller: Caller, group: Record, body: dict[str, Any]) -> None:
    """Rename or describe a group (not the default one)."""
    if group["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("SecurityGroup", group["id"])
    if group["name"] == "default" and body.get("name", "default") != "default":
        raise neutron_error(
            409, "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed."
        )
    for key in ("name", "description", "stateful"):
        if key in body:
            group[key] = body[key]
    net.touch(group)


def delete_group(net: NetworkState, caller: Caller, group: Record) -> None:
    """Delete a group; 409 while ports use it or when a non-admin deletes ``default``."""
    if group["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("SecurityGroup", group["id"])
    if group["name"] == "default" and not caller.is_admin:
        raise neutron_error(
            409,
            "SecurityGroupCannotRemoveDefault",
            "Insufficient rights for removing default security group.",
        )
    for port in net.ports.values(None if caller.is_admin else group["project_id"]):
        if group["id"] in port["security_groups"]:
            raise neutron_error(409, "SecurityGroupInUse", f"Security Group {group['id']} in use.")
    for rule_id in list(group["security_group_rules"]):
        net.security_group_rules.remove(rule_id)
    for rule in list(net.security_group_rules.values()):
        if rule["remote_group_id"] == group["id"]:
            _drop_rule(net, rule)
    if net.default_groups.get(group["project_id"]) == group["id"]:
        del net.default_groups[group["project_id"]]
    net.security_groups.remove(group["id"])


def _drop_rule(net: NetworkState, rule: Record) -> None:
    group = net.security_groups.get(rule["security_group_id"])
    if group is not None and rule["id"] in group["security_group_rules"]:
        group["security_group_rules"].remove(rule["id"])
        net.touch(group)
    net.security_group_rules.remove(rule["id"])


def _protocol(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw).lower()
    if text in _PROTOCOLS:
        return None if text == "any" else text
    if text.isdigit() and 0 <= int(text) <= 255:
        return text
    raise neutron_error(
        400,
        "SecurityGroupRuleInvalidProtocol",
        f"Security group rule protocol {raw} not supported. Only protocol values "
        f"{sorted(k for k in _PROTOCOLS if k != 'any')} and integer representations [0 to 255] "
        "are supported.",
    )


def create_rule(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Create a rule after Neutron's validations; 409 for an exact duplicate."""
    group_id = str(body.get("security_group_id", ""))
    group = net.security_groups.get(group_id)
    if group is None or not (caller.is_admin or group["project_id"] == caller.project_id):
        raise neutron_error(
            404, "SecurityGroupNotFound", f"Security group {group_id} does not exist"
        )
    direction = body.get("direction")
    if direction not in ("ingress", "egress"):
        raise invalid_input(f"'{direction}' is not in ['ingress', 'egress']")
    ethertype = body.get("ethertype", "IPv4")
    if ethertype not in ("IPv4", "IPv6"):
        raise invalid_input(f"'{ethertype}' is not in ['IPv4', 'IPv6']")
    protocol = _protocol(body.get("protocol"))
    low, high = body.get("port_range_min"), body.get("port_range_max")
    if (low is not None or high is not None) and protocol is None:
        raise bad_request(
            "Must also specify protocol if port range is given.",
            "SecurityGroupProtocolRequiredWithPorts",
        )
    if protocol in ("tcp", "udp", "6", "17", "sctp") and low is not None:
        high = low if high is None else high
        if not (0 < int(low) <= int(high) <= 65535):
            raise bad_request(
                "For TCP/UDP protocols, port_range_min must be <= port_range_max",
                "SecurityGroupInvalidPortRange",
            )
    remote_ip, remote_group = body.get("remote_ip_prefix"), body.get("remote_group_id")
    if remote_ip and remote_group:
        raise bad_request(
            "Only remote_ip_prefix or remote_group_id may be provided.",
            "SecurityGroupRemoteGroupAndRemoteIpPrefix",
        )
    normalized = None
    if remote_ip:
        try:
            prefix = ipaddress.ip_network(str(remote_ip), strict=False)
        except ValueError:
            raise invalid_input(f"'{remote_ip}' is not a valid IP subnet") from None
        if (prefix.version == 4) != (ethertype == "IPv4"):
            raise bad_request(
                f"Conflicting value ethertype {ethertype} for CIDR {remote_ip}",
                "SecurityGroupRuleParameterConflict",
            )
        normalized = str(prefix)
    if remote_group and net.security_groups.get(str(remote_group)) is None:
        raise neutron_error(
            404, "SecurityGroupNotFound", f"Security group {remote_group} does not exist"
        )
    for rule_id in group["security_group_rules"]:
        rule = net.security_group_rules.get(rule_id)
        if rule is not None and (
            rule["direction"],
            rule["ethertype"],
            rule["protocol"],
            rule["port_range_min"],
            rule["port_range_max"],
            rule["remote_ip_prefix"],
            rule["remote_group_id"],
        ) == (direction, ethertype, protocol, low, high, remote_ip, remote_group):
            raise neutron_error(
                409,
                "SecurityGroupRuleExists",
                f"Security group rule already exists. Rule id is {rule_id}.",
            )
    net.check_quota(group["project_id"], "security_group_rule")
    rule = _rule(
        net,
        group,
        direction,
        ethertype,
        remote_group,
        protocol=protocol,
        port_range_min=low,
        port_range_max=high,
        remote_ip_prefix=remote_ip,
        normalized_cidr=normalized,
        description=body.get("description", ""),
    )
    net.touch(group)
    return rule


def delete_rule(net: NetworkState, caller: Caller, rule: Record) -> None:
    """Delete a rule."""
    if rule["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("SecurityGroupRule", rule["id"])
    _drop_rule(net, rule)


def create_rbac(net: NetworkState, caller: Caller, body: dict[str, Any]) -> Record:
    """Share a network or security group with a project (or ``*``)."""
    object_type = body.get("object_type")
    action = body.get("action")
    target = body.get("target_tenant") or body.get("target_project")
    if object_type not in ("network", "security_group"):
        raise invalid_input(f"'{object_type}' is not in ['network', 'security_group']")
    valid = (
        ("access_as_shared", "access_as_external")
        if object_type == "network"
        else ("access_as_shared",)
    )
    if action not in valid:
        raise invalid_input(f"'{action}' is not in {list(valid)}")
    if not target:
        raise bad_request(
            "Failed to parse request. Required attribute 'target_tenant' not specified"
        )
    object_id = str(body.get("object_id", ""))
    table = net.networks if object_type == "network" else net.security_groups
    kind = "Network" if object_type == "network" else "SecurityGroup"
    obj = table.get(object_id)
    if obj is None or not (caller.is_admin or obj["project_id"] == caller.project_id):
        raise not_found(kind, object_id)
    if action == "access_as_external" and not caller.is_admin:
        raise neutron_error(
            403,
            "PolicyNotAuthorized",
            "rule:create_rbac_policy:target_tenant is disallowed by policy",
        )
    if str(target) in net.rbac_targets(object_id, str(action)):
        raise neutron_error(
            409, "DuplicateRbacPolicy", "An RBAC policy already exists with those values."
        )
    project_id = net.owner_for(caller, body, "rbac_policy")
    net.check_quota(project_id, "rbac_policy")
    return net.add_rbac(project_id, str(object_type), object_id, str(action), str(target))


def delete_rbac(net: NetworkState, caller: Caller, policy: Record) -> None:
    """Delete a policy; 409 RbacPolicyInUse while the target still has ports on the network."""
    if policy["project_id"] != caller.project_id and not caller.is_admin:
        raise not_found("RbacPolicy", policy["id"])
    if policy["object_type"] == "network" and policy["action"] == "access_as_shared":
        owner = policy["project_id"]
        for port in net.ports_on_network(policy["object_id"]):
            if port["project_id"] not in (owner, "") and (
                policy["target_tenant"] in ("*", port["project_id"])
            ):
                raise neutron_error(
                    409,
                    "RbacPolicyInUse",
                    f"RBAC policy on object {policy['object_id']} cannot be removed because "
                    "other objects depend on it.",
                )
    net.remove_rbac(policy)
