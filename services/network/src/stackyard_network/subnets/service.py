"""Creating, changing and deleting subnets: every address checked here, before the
worker touches the cloud (202)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_network.networks.models import Network
from stackyard_network.ports.models import Port
from stackyard_network.resources.access import (
    ensure_manager,
    get_visible,
    parse_reference,
    writable_tenant,
)
from stackyard_network.resources.events import CREATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule
from stackyard_network.routers.models import Router
from stackyard_network.subnets.models import Subnet
from stackyard_network.subnets.schemas import SubnetCreate, SubnetUpdate
from stackyard_network.subnets.validation import (
    IPNetwork,
    check_addressing,
    check_overlap,
    parse_cidr,
)

__all__ = ["create_subnet", "delete_subnet", "router_of", "update_subnet"]


def _gateway(cidr: IPNetwork, gateway_ip: str | None, disabled: bool) -> str | None:
    # Neutron gives a subnet without a gateway its first host address.
    if disabled:
        return None
    return gateway_ip if gateway_ip is not None else str(next(cidr.hosts()))


async def create_subnet(session: AsyncSession, principal: Principal, data: SubnetCreate) -> Subnet:
    """A new subnet record (CREATION_SCHEDULED) of an OK network."""
    try:
        network = await get_visible(
            session, principal, Network, parse_reference("network", data.network)
        )
    except NotFound as error:
        raise ValidationFailed.field("network", "No such network.") from error
    tenant = await writable_tenant(session, principal, network.tenant_uuid, field="network")
    if network.state != ResourceState.OK:
        raise Conflict(f"The network is {network.state}.")
    cidr = parse_cidr("cidr", data.cidr)
    gateway = _gateway(cidr, data.gateway_ip, data.disable_gateway)
    pools = [pool.model_dump() for pool in data.allocation_pools]
    routes = [route.model_dump() for route in data.host_routes]
    check_addressing(
        cidr,
        gateway_ip=gateway,
        allocation_pools=pools,
        dns_nameservers=data.dns_nameservers,
        host_routes=routes,
    )
    await check_overlap(session, tenant.uuid, cidr, None)
    subnet = Subnet(
        network_uuid=network.uuid,
        name=data.name,
        description=data.description,
        cidr=str(cidr),
        ip_version=cidr.version,
        gateway_ip=gateway,
        enable_dhcp=data.enable_dhcp,
        allocation_pools=pools,
        dns_nameservers=list(data.dns_nameservers),
        host_routes=routes,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        state=ResourceState.CREATION_SCHEDULED.value,
    )
    session.add(subnet)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "subnet", CREATED, subnet, actor=actor)
    params = {"disable_gateway": data.disable_gateway}
    await schedule(session, "subnet", subnet, "create", actor=actor, params=params, announce=False)
    return subnet


async def update_subnet(
    session: AsyncSession, principal: Principal, subnet: Subnet, data: SubnetUpdate
) -> Subnet:
    """Change a settled subnet's name, gateway, pools, DNS servers, routes or DHCP."""
    await ensure_manager(session, principal, subnet.customer_uuid, subnet.project_uuid)
    given = data.model_dump(exclude_unset=True)
    disabled = given.pop("disable_gateway", None)
    if disabled:
        given["gateway_ip"] = None
    elif "gateway_ip" in given and given["gateway_ip"] is None and disabled is None:
        given.pop("gateway_ip")  # null without disable_gateway: leave the gateway alone
    changes: dict[str, Any] = {
        name: value for name, value in given.items() if getattr(subnet, name) != value
    }
    if not changes:
        return subnet
    cidr = parse_cidr("cidr", subnet.cidr)
    check_addressing(
        cidr,
        gateway_ip=changes.get("gateway_ip", subnet.gateway_ip),
        allocation_pools=changes.get("allocation_pools", subnet.allocation_pools),
        dns_nameservers=changes.get("dns_nameservers"),
        host_routes=changes.get("host_routes"),
    )
    await ensure_idle(session, subnet)
    for name, value in changes.items():
        setattr(subnet, name, value)
    await schedule(
        session,
        "subnet",
        subnet,
        "update",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params=changes,
    )
    return subnet


async def router_of(session: AsyncSession, subnet: Subnet) -> Router | None:
    """The router of the tenant with an interface on `subnet`, if any."""
    routers = await session.execute(select(Router).where(Router.tenant_uuid == subnet.tenant_uuid))
    for router in routers.scalars():
        if subnet.backend_id and any(
            item.get("subnet_id") == subnet.backend_id for item in router.interfaces
        ):
            return router
    return None


async def delete_subnet(session: AsyncSession, principal: Principal, subnet: Subnet) -> None:
    """Delete a settled subnet (DELETION_SCHEDULED); 409 while a router or ports use it."""
    await ensure_manager(session, principal, subnet.customer_uuid, subnet.project_uuid)
    await ensure_idle(session, subnet)
    router = await router_of(session, subnet)
    if router is not None:
        raise Conflict(f"Router {router.name} is connected to the subnet; remove it first.")
    ports = await session.execute(
        select(Port).where(
            Port.network_uuid == subnet.network_uuid, ~Port.device_owner.startswith("network:")
        )
    )
    for port in ports.scalars():
        if any(ip.get("subnet_id") == subnet.backend_id for ip in port.fixed_ips):
            raise Conflict(f"Port {port.name or port.uuid} has an address in the subnet.")
    await schedule(
        session,
        "subnet",
        subnet,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
