"""`/api/openstack-subnets/`: subnets of the tenants' networks.

Reading: whoever sees the tenant. Creating (with CIDR, gateway, allocation pools, DNS
servers and host routes), changing and deleting: the tenant's managers; every address
is checked before the cloud is asked (400 with the field), then 202 and the worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import PageDep
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.networks.models import Network
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import KindRoutes, matching
from stackyard_network.resources.schemas import TenantNames, absolute_url, common_fields
from stackyard_network.routers.models import Router
from stackyard_network.subnets import service
from stackyard_network.subnets.models import KIND, Subnet
from stackyard_network.subnets.schemas import SubnetCreate, SubnetRead, SubnetUpdate

__all__ = ["router", "subnet_reads"]

router = APIRouter(prefix="/api/openstack-subnets", tags=["openstack-subnets"])


async def subnet_reads(
    request: Request, session: AsyncSession, subnets: Sequence[Subnet]
) -> list[SubnetRead]:
    """The API's views of `subnets`."""
    names = await TenantNames.of(session, subnets)
    networks = {
        network.uuid: network.name
        for network in (
            await session.execute(
                select(Network).where(Network.uuid.in_({s.network_uuid for s in subnets}))
            )
        ).scalars()
    }
    routers = (
        await session.execute(
            select(Router).where(Router.tenant_uuid.in_({s.tenant_uuid for s in subnets}))
        )
    ).scalars()
    connected = {
        item.get("subnet_id"): router.uuid for router in routers for item in router.interfaces
    }
    return [
        SubnetRead(
            **common_fields(request, subnet, KIND.path, "OpenStack.SubNet", names),
            network=absolute_url(request, f"/api/openstack-networks/{subnet.network_uuid}/"),
            network_uuid=subnet.network_uuid,
            network_name=networks.get(subnet.network_uuid, ""),
            cidr=subnet.cidr,
            ip_version=subnet.ip_version,
            gateway_ip=subnet.gateway_ip,
            disable_gateway=subnet.gateway_ip is None,
            enable_dhcp=subnet.enable_dhcp,
            allocation_pools=subnet.allocation_pools,
            dns_nameservers=subnet.dns_nameservers,
            host_routes=subnet.host_routes,
            is_connected=bool(subnet.backend_id) and subnet.backend_id in connected,
            router_uuid=connected.get(subnet.backend_id) if subnet.backend_id else None,
        )
        for subnet in subnets
    ]


@router.get("/", responses=ACTION_ERRORS, summary="Subnets the caller may see")
async def list_subnets(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: uuid.UUID | None = None,
    network_uuid: uuid.UUID | None = None,
    name: str | None = Query(default=None, description="Part of the name."),
    backend_id: str | None = None,
    state: list[str] | None = Query(default=None),
    project_uuid: uuid.UUID | None = None,
) -> list[SubnetRead]:
    conditions = matching(
        Subnet,
        name=name,
        state=state,
        equal=(
            (Subnet.tenant_uuid, tenant_uuid),
            (Subnet.network_uuid, network_uuid),
            (Subnet.backend_id, backend_id),
            (Subnet.project_uuid, project_uuid),
        ),
    )
    return await routes.listed(
        request, session, principal, page, conditions, Subnet.name, Subnet.uuid
    )


routes = KindRoutes(router, Subnet, SubnetRead, subnet_reads)
routes.retrieve("get_subnet", "One subnet")
routes.create("create_subnet", "Create a subnet", SubnetCreate, service.create_subnet)
routes.update("update_subnet", "Change the subnet", SubnetUpdate, service.update_subnet)
routes.delete("delete_subnet", "Delete the subnet", service.delete_subnet)
add_common_actions(router, "subnet")
