"""Reading a cloud's external networks and their subnets into records, with the cloud
connection's admin session: one list of networks, one list of subnets per network,
compared with the records in one pass (a subnet's `public_ip_range` is kept).

Tenants of one cloud that turn OK together pull its external networks side by side: the
records are compared and written under the cloud's lock, taken once the cloud has
answered, so that each network and subnet has one record whoever pulls at once."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import transaction_lock
from stackyard_common.openstack.network import Subnet
from stackyard_network.cloud import Clouds
from stackyard_network.external_networks.models import ExternalNetwork, ExternalSubnet

__all__ = ["pull_external_networks"]


async def pull_external_networks(
    session: AsyncSession, clouds: Clouds, connection_uuid: uuid.UUID
) -> list[ExternalNetwork]:
    """The connection's external networks, as the cloud lists them now."""
    admin = await clouds.admin(connection_uuid)
    found = await admin.network.list_networks(is_external=True)
    subnets = {
        network.id: await admin.network.list_subnets(network_id=network.id) for network in found
    }
    await transaction_lock(session, f"network:external-networks:{connection_uuid}")
    records = {
        record.backend_id: record
        for record in (
            await session.execute(
                select(ExternalNetwork).where(
                    ExternalNetwork.cloud_connection_uuid == connection_uuid
                )
            )
        ).scalars()
    }
    seen: list[ExternalNetwork] = []
    for network in found:
        record = records.pop(network.id, None)
        if record is None:
            record = ExternalNetwork(cloud_connection_uuid=connection_uuid, backend_id=network.id)
            session.add(record)
        record.name, record.description = network.name, network.description
        record.status, record.is_shared = network.status or "", network.shared
        record.is_default = bool(network.raw.get("is_default", False))
        await session.flush()
        await _pull_subnets(session, record, subnets[network.id])
        seen.append(record)
    for gone in records.values():
        await session.delete(gone)
    await session.flush()
    return seen


async def _pull_subnets(
    session: AsyncSession, network: ExternalNetwork, found: list[Subnet]
) -> None:
    records = {
        record.backend_id: record
        for record in (
            await session.execute(
                select(ExternalSubnet).where(ExternalSubnet.network_uuid == network.uuid)
            )
        ).scalars()
    }
    for subnet in found:
        record = records.pop(subnet.id, None)
        if record is None:
            record = ExternalSubnet(network_uuid=network.uuid, backend_id=subnet.id)
            session.add(record)
        record.name, record.description = subnet.name, subnet.description
        record.cidr, record.ip_version = subnet.cidr, subnet.ip_version
        record.enable_dhcp, record.gateway_ip = subnet.enable_dhcp, subnet.gateway_ip
        record.allocation_pools = [dict(pool) for pool in subnet.allocation_pools]
        record.dns_nameservers = list(subnet.dns_nameservers)
    for gone in records.values():
        await session.delete(gone)
