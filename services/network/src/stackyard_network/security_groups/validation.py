"""Checks of security group rules, made before any cloud call: a known protocol, port
ranges in order and in bounds, a valid CIDR of the rule's ethertype, and a remote group
of the same tenant (never both a CIDR and a group)."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_network.resources.access import parse_reference
from stackyard_network.security_groups.models import SecurityGroup, SecurityGroupRule
from stackyard_network.security_groups.schemas import SecurityGroupRuleCreate

__all__ = ["checked_rules"]

NAMED_PROTOCOLS = {"", "tcp", "udp", "icmp", "icmpv6"}


def _problems(rule: SecurityGroupRuleCreate) -> dict[str, str]:
    problems: dict[str, str] = {}
    protocol = rule.protocol.lower()
    if protocol not in NAMED_PROTOCOLS and not (protocol.isdigit() and int(protocol) < 256):
        problems["protocol"] = "Use tcp, udp, icmp, an IANA protocol number, or empty for any."
    low, high = rule.from_port, rule.to_port
    bounds = (-1, 255) if protocol.startswith("icmp") else (1, 65535)
    for name, value in (("from_port", low), ("to_port", high)):
        if value is not None and not bounds[0] <= value <= bounds[1]:
            problems[name] = f"Must be between {bounds[0]} and {bounds[1]}."
    if (
        not protocol.startswith("icmp")
        and low is not None
        and high is not None
        and low > high
        and "to_port" not in problems
    ):
        problems["to_port"] = f"The range ends ({high}) before it starts ({low})."
    if (low is not None or high is not None) and protocol in ("",):
        problems["protocol"] = "A port range needs a protocol."
    if rule.cidr is not None:
        try:
            network = ipaddress.ip_network(rule.cidr, strict=False)
        except ValueError:
            problems["cidr"] = f"{rule.cidr!r} is not a CIDR."
        else:
            if f"IPv{network.version}" != rule.ethertype:
                problems["cidr"] = f"{rule.cidr} is not an {rule.ethertype} network."
        if rule.remote_group is not None:
            problems["remote_group"] = "Give a CIDR or a remote group, not both."
    return problems


async def checked_rules(
    session: AsyncSession,
    tenant_uuid: uuid.UUID,
    rules: Sequence[SecurityGroupRuleCreate],
    group_uuid: uuid.UUID,
    prefix: str,
) -> list[SecurityGroupRule]:
    """Rule records (not yet added) for `rules` of the group `group_uuid`; 400 with
    every problem, each under `<prefix><index>.<field>` (`prefix` empty: `<field>`)."""
    errors: dict[str, str] = {}
    made: list[SecurityGroupRule] = []
    for index, rule in enumerate(rules):
        where = f"{prefix}{index}." if prefix else ""
        problems = _problems(rule)
        remote_uuid, remote_backend_id = None, ""
        if rule.remote_group is not None and "remote_group" not in problems:
            remote_uuid = parse_reference(f"{where}remote_group", rule.remote_group)
            if remote_uuid != group_uuid:  # a group may refer to itself
                remote = await session.get(SecurityGroup, remote_uuid)
                if remote is None or remote.tenant_uuid != tenant_uuid:
                    problems["remote_group"] = "The remote group must belong to the same tenant."
                else:
                    remote_backend_id = remote.backend_id
        errors.update({f"{where}{name}": message for name, message in problems.items()})
        made.append(
            SecurityGroupRule(
                security_group_uuid=group_uuid,
                ethertype=rule.ethertype,
                direction=rule.direction,
                protocol=rule.protocol.lower(),
                from_port=rule.from_port,
                to_port=rule.to_port,
                cidr=rule.cidr,
                remote_group_uuid=remote_uuid,
                remote_group_backend_id=remote_backend_id,
                description=rule.description,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return made
