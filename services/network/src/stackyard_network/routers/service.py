"""Creating routers, connecting them to subnets and to an external network, their
static routes, and deleting them: checked here, done by the worker (202)."""

from __future__ import annotations

import ipaddress

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_common.tenants import get_tenant
from stackyard_network.cloud import Clouds
from stackyard_network.external_networks.resolution import (
    known_external_network,
    resolve_external_network,
)
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
from stackyard_network.routers.schemas import (
    RouterCreate,
    RouterInterfaceRequest,
    RouterSetGatewayRequest,
    RouterSetRoutesRequest,
)
from stackyard_network.subnets.models import Subnet

__all__ = [
    "add_interface",
    "create_router",
    "delete_router",
    "remove_interface",
    "set_gateway",
    "set_routes",
]


async def create_router(session: AsyncSession, principal: Principal, data: RouterCreate) -> Router:
    """A new router record (CREATION_SCHEDULED), made in the cloud by the worker."""
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    router = Router(
        name=data.name,
        description=data.description,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
    )
    session.add(router)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "router", CREATED, router, actor=actor)
    await schedule(session, "router", router, "create", actor=actor, announce=False)
    return router


async def _ready(session: AsyncSession, principal: Principal, router: Router) -> None:
    await ensure_manager(session, principal, router.customer_uuid, router.project_uuid)
    await ensure_idle(session, router)


async def _subnet(
    session: AsyncSession, principal: Principal, router: Router, data: RouterInterfaceRequest
) -> Subnet:
    try:
        subnet: Subnet = await get_visible(
            session, principal, Subnet, parse_reference("subnet", data.subnet)
        )
    except NotFound as error:
        raise ValidationFailed.field("subnet", "No such subnet.") from error
    if subnet.tenant_uuid != router.tenant_uuid:
        raise ValidationFailed.field("subnet", "The subnet belongs to another tenant.")
    if not subnet.backend_id or subnet.state != ResourceState.OK:
        raise ValidationFailed.field("subnet", f"The subnet is {subnet.state}.")
    return subnet


async def add_interface(
    session: AsyncSession, principal: Principal, router: Router, data: RouterInterfaceRequest
) -> None:
    """Connect the router to a subnet of its tenant (UPDATE_SCHEDULED)."""
    await _ready(session, principal, router)
    subnet = await _subnet(session, principal, router, data)
    if any(item.get("subnet_id") == subnet.backend_id for item in router.interfaces):
        raise ValidationFailed.field("subnet", "The router is already connected to the subnet.")
    others = await session.execute(
        select(Router).where(Router.tenant_uuid == router.tenant_uuid, Router.uuid != router.uuid)
    )
    for other in others.scalars():
        if any(item.get("subnet_id") == subnet.backend_id for item in other.interfaces):
            raise ValidationFailed.field("subnet", f"Router {other.name} serves the subnet.")
    await schedule(
        session,
        "router",
        router,
        "add_interface",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params={"subnet_id": subnet.backend_id},
    )


async def remove_interface(
    session: AsyncSession, principal: Principal, router: Router, data: RouterInterfaceRequest
) -> None:
    """Disconnect the router from a subnet (UPDATE_SCHEDULED)."""
    await _ready(session, principal, router)
    subnet = await _subnet(session, principal, router, data)
    if all(item.get("subnet_id") != subnet.backend_id for item in router.interfaces):
        raise ValidationFailed.field("subnet", "The router is not connected to the subnet.")
    cidr = ipaddress.ip_network(subnet.cidr)
    for route in router.routes:
        if ipaddress.ip_address(str(route.get("nexthop"))) in cidr:
            raise ValidationFailed.field(
                "subnet", f"The route to {route.get('destination')} goes through the subnet."
            )
    await schedule(
        session,
        "router",
        router,
        "remove_interface",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params={"subnet_id": subnet.backend_id},
    )


async def set_gateway(
    session: AsyncSession,
    clouds: Clouds,
    principal: Principal,
    router: Router,
    data: RouterSetGatewayRequest,
) -> None:
    """Put the router's gateway on an external network of the tenant's cloud (the
    tenant's by the resolution order when none is named)."""
    await _ready(session, principal, router)
    tenant = await get_tenant(session, router.tenant_uuid)
    if tenant is None:
        raise Conflict("The router's tenant is unknown.")
    network_id = data.external_network_id or await resolve_external_network(session, clouds, tenant)
    if not network_id:
        raise ValidationFailed.field("external_network_id", "The tenant has no external network.")
    known = await known_external_network(session, tenant.cloud_connection_uuid, network_id)
    if known is None and network_id != tenant.external_network_id:
        raise ValidationFailed.field(
            "external_network_id", f"The cloud has no external network {network_id}."
        )
    await schedule(
        session,
        "router",
        router,
        "set_gateway",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params={"external_network_id": network_id, "enable_snat": data.enable_snat},
    )


async def set_routes(
    session: AsyncSession, principal: Principal, router: Router, data: RouterSetRoutesRequest
) -> None:
    """Replace the router's static routes; each next hop must lie in a connected subnet."""
    await _ready(session, principal, router)
    connected = [item.get("subnet_id") for item in router.interfaces]
    cidrs = [
        ipaddress.ip_network(cidr)
        for cidr in (
            await session.execute(select(Subnet.cidr).where(Subnet.backend_id.in_(connected)))
        ).scalars()
    ]
    errors: list[str] = []
    for index, route in enumerate(data.routes, start=1):
        try:
            ipaddress.ip_network(route.destination, strict=True)
            hop = ipaddress.ip_address(route.nexthop)
        except ValueError:
            errors.append(f"Route {index}: a CIDR destination and an IP next hop are needed.")
            continue
        if not any(hop in cidr for cidr in cidrs):
            errors.append(f"Route {index}: {hop} is in no subnet the router connects.")
    if errors:
        raise ValidationFailed({"routes": errors})
    await schedule(
        session,
        "router",
        router,
        "set_routes",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params={"routes": [route.model_dump() for route in data.routes]},
    )


async def delete_router(session: AsyncSession, principal: Principal, router: Router) -> None:
    """Delete a router without interfaces (DELETION_SCHEDULED); 409 with them."""
    await _ready(session, principal, router)
    if router.interfaces:
        raise Conflict("The router still connects subnets; remove its interfaces first.")
    await schedule(
        session,
        "router",
        router,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
