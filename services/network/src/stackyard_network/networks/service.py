"""Creating, changing and deleting networks: checked here, done in the cloud by the
worker (202)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict
from stackyard_common.auth import Principal
from stackyard_network.networks.models import Network
from stackyard_network.networks.schemas import NetworkCreate, NetworkUpdate
from stackyard_network.ports.models import Port
from stackyard_network.resources.access import ensure_manager, parse_reference, writable_tenant
from stackyard_network.resources.events import CREATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule
from stackyard_network.routers.models import Router
from stackyard_network.subnets.models import Subnet

__all__ = ["create_network", "delete_network", "update_network"]


async def create_network(
    session: AsyncSession, principal: Principal, data: NetworkCreate
) -> Network:
    """A new network record (CREATION_SCHEDULED), made in the cloud by the worker."""
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    network = Network(
        name=data.name,
        description=data.description,
        mtu=data.mtu,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        state=ResourceState.CREATION_SCHEDULED.value,
    )
    session.add(network)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "network", CREATED, network, actor=actor)
    await schedule(session, "network", network, "create", actor=actor, announce=False)
    return network


async def update_network(
    session: AsyncSession, principal: Principal, network: Network, data: NetworkUpdate
) -> Network:
    """Rename, describe or change the MTU of a settled network (UPDATE_SCHEDULED)."""
    await ensure_manager(session, principal, network.customer_uuid, network.project_uuid)
    changes = {
        name: value
        for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items()
        if getattr(network, name) != value
    }
    if not changes:
        return network
    await ensure_idle(session, network)
    for name, value in changes.items():
        setattr(network, name, value)
    await schedule(
        session,
        "network",
        network,
        "update",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params=changes,
    )
    return network


async def delete_network(session: AsyncSession, principal: Principal, network: Network) -> None:
    """Delete a settled network with its subnets (DELETION_SCHEDULED); 409 while ports
    or router interfaces use it."""
    await ensure_manager(session, principal, network.customer_uuid, network.project_uuid)
    await ensure_idle(session, network)
    ports = await session.execute(
        select(Port.uuid).where(
            Port.network_uuid == network.uuid, ~Port.device_owner.startswith("network:")
        )
    )
    if ports.first() is not None:
        raise Conflict("The network has ports; delete them first.")
    subnet_ids = set(
        (
            await session.execute(
                select(Subnet.backend_id).where(Subnet.network_uuid == network.uuid)
            )
        ).scalars()
    )
    routers = await session.execute(select(Router).where(Router.tenant_uuid == network.tenant_uuid))
    for router in routers.scalars():
        if any(item.get("subnet_id") in subnet_ids for item in router.interfaces):
            raise Conflict(f"Router {router.name} connects a subnet of the network.")
    await schedule(
        session,
        "network",
        network,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
