"""Where a new port goes and with what, checked before any cloud call: its network
(one of the tenant's, or one shared with it), a fixed IP inside its subnet and not yet
taken, security groups of the same tenant. Used by the public API and by compute's
internal calls alike; `make_port` then makes (or finds) the port in the cloud."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.openstack import OpenStackClient
from stackyard_common.openstack.network import Port as CloudPort
from stackyard_network.ports.models import Port
from stackyard_network.security_groups.models import SecurityGroup
from stackyard_network.subnets.models import Subnet

__all__ = ["FixedIP", "PortPlan", "apply_port", "check_fixed_ips", "groups_of", "make_port"]


@dataclass(frozen=True, slots=True)
class FixedIP:
    """A requested address: in `subnet` (a record), optionally at `ip_address`."""

    subnet: Subnet
    ip_address: str | None


@dataclass(slots=True)
class PortPlan:
    """Everything `make_port` needs, all checked."""

    network_uuid: uuid.UUID | None
    network_backend_id: str
    fixed_ips: list[dict[str, str]] = field(default_factory=list)
    security_group_ids: list[str] | None = None


async def check_fixed_ips(
    session: AsyncSession,
    network_uuid: uuid.UUID | None,
    wanted: Sequence[FixedIP],
    field_name: str,
    exclude: uuid.UUID | None = None,
) -> list[dict[str, str]]:
    """The fixed IPs in Neutron's shape; 400 on `field_name` for a subnet of another
    network, an address outside its subnet (or its network, broadcast or gateway
    address), or one another port already holds."""
    errors: list[str] = []
    result: list[dict[str, str]] = []
    for item in wanted:
        subnet = item.subnet
        if network_uuid is not None and subnet.network_uuid != network_uuid:
            errors.append(f"Subnet {subnet.name} belongs to another network.")
            continue
        entry = {"subnet_id": subnet.backend_id}
        if item.ip_address is not None:
            cidr = ipaddress.ip_network(subnet.cidr)
            try:
                address = ipaddress.ip_address(item.ip_address)
            except ValueError:
                errors.append(f"{item.ip_address!r} is not an IP address.")
                continue
            if address not in cidr or address in (cidr.network_address, cidr.broadcast_address):
                errors.append(f"{address} is not a host address of subnet {subnet.cidr}.")
                continue
            if subnet.gateway_ip and str(address) == subnet.gateway_ip:
                errors.append(f"{address} is the gateway of subnet {subnet.cidr}.")
                continue
            if await _taken(session, subnet.backend_id, str(address), exclude):
                errors.append(f"{address} is already taken in subnet {subnet.cidr}.")
                continue
            entry["ip_address"] = str(address)
        result.append(entry)
    if errors:
        raise ValidationFailed({field_name: errors})
    return result


async def _taken(
    session: AsyncSession, subnet_id: str, address: str, exclude: uuid.UUID | None
) -> bool:
    holder = {"subnet_id": subnet_id, "ip_address": address}
    query = select(Port.uuid).where(Port.fixed_ips.contains([holder]))
    if exclude is not None:
        query = query.where(Port.uuid != exclude)
    return (await session.execute(query)).first() is not None


async def groups_of(
    session: AsyncSession, tenant_uuid: uuid.UUID, keys: Sequence[uuid.UUID], field_name: str
) -> list[str]:
    """The Neutron ids of the groups `keys`; 400 on `field_name` unless each is a group
    of the tenant that exists in the cloud."""
    found = {
        group.uuid: group
        for group in (
            await session.execute(select(SecurityGroup).where(SecurityGroup.uuid.in_(keys)))
        ).scalars()
    }
    errors = [
        f"{key} is not a security group of the tenant."
        for key in keys
        if key not in found or found[key].tenant_uuid != tenant_uuid or not found[key].backend_id
    ]
    if errors:
        raise ValidationFailed({field_name: errors})
    return [found[key].backend_id for key in keys]


def apply_port(record: Port, found: CloudPort) -> None:
    """Copy what the cloud says about a port onto its record."""
    record.backend_id = found.id
    record.name = found.name
    record.description = found.description
    record.network_backend_id = found.network_id
    record.fixed_ips = [
        {"ip_address": ip["ip_address"], "subnet_id": ip["subnet_id"]} for ip in found.fixed_ips
    ]
    record.mac_address = found.mac_address or ""
    record.device_id = found.device_id
    record.device_owner = found.device_owner
    record.security_group_ids = list(found.security_groups)
    record.admin_state_up = found.admin_state_up
    record.port_security_enabled = bool(found.raw.get("port_security_enabled", True))
    record.runtime_state = found.status or ""


async def make_port(cloud: OpenStackClient, record: Port, plan: PortPlan) -> CloudPort:
    """The record's port in the cloud: found by its tag, or made as planned."""
    tag = str(record.uuid)
    found = await cloud.network.find_port(tags=[tag])
    if found is None:
        found = await cloud.network.create_port(
            plan.network_backend_id,
            name=record.name or None,
            description=record.description or None,
            fixed_ips=plan.fixed_ips or None,
            security_groups=plan.security_group_ids,
            tags=[tag],
        )
    return found
