"""Which external network a tenant uses, and the public address of a floating IP.

Resolution order (the specification's): the tenant's own choice, else its
organisation's override — identity resolves those two when it provisions the tenant and
announces the result as the tenant's `external_network_id` — else the cloud
connection's default (`external_network_id` of its settings), else the cloud's default
external network (`is_default`), else its only one.

Carrier-grade NAT: a floating IP inside an external subnet whose `public_ip_range` is
set maps to the address at the same offset in that range (`external_address`).
"""

from __future__ import annotations

import ipaddress
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.tenants import TenantRecord
from stackyard_network.cloud import Clouds
from stackyard_network.external_networks.models import ExternalNetwork, ExternalSubnet

__all__ = [
    "external_address",
    "known_external_network",
    "map_address",
    "resolve_external_network",
]


async def known_external_network(
    session: AsyncSession, connection_uuid: uuid.UUID, backend_id: str
) -> ExternalNetwork | None:
    """The external network `backend_id` of the connection's cloud, if it was seen."""
    found = await session.execute(
        select(ExternalNetwork).where(
            ExternalNetwork.cloud_connection_uuid == connection_uuid,
            ExternalNetwork.backend_id == backend_id,
        )
    )
    return found.scalars().first()


async def resolve_external_network(
    session: AsyncSession, clouds: Clouds, tenant: TenantRecord
) -> str | None:
    """The Neutron id of the tenant's external network by the resolution order, or
    None when nothing names one."""
    if tenant.external_network_id:
        return tenant.external_network_id
    connection = await clouds.connection(tenant.cloud_connection_uuid)
    if connection.external_network_id:
        return connection.external_network_id
    networks = list(
        (
            await session.execute(
                select(ExternalNetwork).where(
                    ExternalNetwork.cloud_connection_uuid == tenant.cloud_connection_uuid
                )
            )
        ).scalars()
    )
    defaults = [network for network in networks if network.is_default]
    if defaults:
        return defaults[0].backend_id
    return networks[0].backend_id if len(networks) == 1 else None


def map_address(address: str, cidr: str, public_range: str) -> str | None:
    """`address` of `cidr` at the same offset in `public_range` (None outside either)."""
    try:
        ip = ipaddress.ip_address(address)
        inside = ipaddress.ip_network(cidr, strict=False)
        public = ipaddress.ip_network(public_range, strict=False)
    except ValueError:
        return None
    if ip not in inside:
        return None
    offset = int(ip) - int(inside.network_address)
    if offset >= public.num_addresses:
        return None
    return str(public.network_address + offset)


async def external_address(
    session: AsyncSession, connection_uuid: uuid.UUID | None, addresses: list[str]
) -> dict[str, str]:
    """The public address of each floating IP of `addresses` that an external subnet of
    the connection's cloud maps (those not mapped are left out)."""
    if connection_uuid is None or not addresses:
        return {}
    subnets = await session.execute(
        select(ExternalSubnet)
        .join(ExternalNetwork, ExternalNetwork.uuid == ExternalSubnet.network_uuid)
        .where(
            ExternalNetwork.cloud_connection_uuid == connection_uuid,
            ExternalSubnet.public_ip_range != "",
        )
    )
    ranges = [(subnet.cidr, subnet.public_ip_range) for subnet in subnets.scalars()]
    mapped: dict[str, str] = {}
    for address in addresses:
        for cidr, public in ranges:
            found = map_address(address, cidr, public)
            if found is not None:
                mapped[address] = found
                break
    return mapped
