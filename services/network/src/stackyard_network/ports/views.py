"""How ports look in the API: with their network's name, their groups and the floating
IPs that point at them."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.networks.models import Network
from stackyard_network.ports.models import KIND, Port
from stackyard_network.ports.schemas import PortNestedSecurityGroup, PortRead
from stackyard_network.resources.schemas import TenantNames, absolute_url, common_fields
from stackyard_network.security_groups.models import SecurityGroup

__all__ = ["port_reads"]


async def port_reads(
    request: Request, session: AsyncSession, ports: Sequence[Port]
) -> list[PortRead]:
    """The API's views of `ports`."""
    names = await TenantNames.of(session, ports)
    network_names = {
        row.uuid: row.name
        for row in await session.execute(
            select(Network.uuid, Network.name).where(
                Network.uuid.in_({p.network_uuid for p in ports if p.network_uuid})
            )
        )
    }
    group_ids = {group for port in ports for group in port.security_group_ids}
    groups = {
        row.backend_id: row
        for row in await session.execute(
            select(SecurityGroup.uuid, SecurityGroup.name, SecurityGroup.backend_id).where(
                SecurityGroup.backend_id.in_(group_ids)
            )
        )
    }
    floating: dict[object, list[str]] = {}
    for row in await session.execute(
        select(FloatingIP.port_uuid, FloatingIP.address).where(
            FloatingIP.port_uuid.in_([port.uuid for port in ports])
        )
    ):
        floating.setdefault(row.port_uuid, []).append(row.address or "")
    return [
        PortRead(
            **common_fields(request, port, KIND.path, "OpenStack.Port", names),
            network=(
                absolute_url(request, f"/api/openstack-networks/{port.network_uuid}/")
                if port.network_uuid
                else None
            ),
            network_uuid=port.network_uuid,
            network_name=network_names.get(port.network_uuid, "") if port.network_uuid else "",
            network_backend_id=port.network_backend_id,
            fixed_ips=port.fixed_ips,
            mac_address=port.mac_address,
            device_id=port.device_id,
            device_owner=port.device_owner,
            admin_state_up=port.admin_state_up,
            port_security_enabled=port.port_security_enabled,
            security_groups=[
                PortNestedSecurityGroup(
                    uuid=groups[gid].uuid if gid in groups else None,
                    name=groups[gid].name if gid in groups else "",
                    backend_id=gid,
                )
                for gid in port.security_group_ids
            ],
            floating_ips=floating.get(port.uuid, []),
            status=port.runtime_state,
        )
        for port in ports
    ]
