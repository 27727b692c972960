"""`/api/openstack-routers/`: routers of the tenants, with `add_interface`,
`remove_interface`, `set_gateway` and `set_routes` (each 202, ended OK or ERRED by the
worker), delete, `pull`, and staff's `set_erred`, `set_ok` and `unlink`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import PageDep
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.cloud import CloudsDep
from stackyard_network.resources.access import get_visible
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import ACCEPTED, KindRoutes, matching
from stackyard_network.resources.schemas import TenantNames, common_fields
from stackyard_network.routers import service
from stackyard_network.routers.models import KIND, Router
from stackyard_network.routers.schemas import (
    RouterCreate,
    RouterInterfaceRequest,
    RouterRead,
    RouterSetGatewayRequest,
    RouterSetRoutesRequest,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/openstack-routers", tags=["openstack-routers"])


async def router_reads(
    request: Request, session: AsyncSession, routers: Sequence[Router]
) -> list[RouterRead]:
    """The API's views of `routers`."""
    names = await TenantNames.of(session, routers)
    return [
        RouterRead(
            **common_fields(request, item, KIND.path, "OpenStack.Router", names),
            external_network_id=item.external_network_id,
            has_external_gateway=bool(item.external_network_id),
            external_fixed_ips=item.external_fixed_ips,
            routes=item.routes,
            fixed_ips=[
                {"subnet_id": i["subnet_id"], "ip_address": i["ip_address"]}
                for i in item.interfaces
            ],
            interfaces=item.interfaces,
        )
        for item in routers
    ]


@router.get("/", responses=ACTION_ERRORS, summary="Routers the caller may see")
async def list_routers(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: uuid.UUID | None = None,
    name: str | None = Query(default=None, description="Part of the name."),
    backend_id: str | None = None,
    state: list[str] | None = Query(default=None),
) -> list[RouterRead]:
    conditions = matching(
        Router,
        name=name,
        state=state,
        equal=((Router.tenant_uuid, tenant_uuid), (Router.backend_id, backend_id)),
    )
    return await routes.listed(
        request, session, principal, page, conditions, Router.name, Router.uuid
    )


routes = KindRoutes(router, Router, RouterRead, router_reads)
routes.retrieve("get_router", "One router")
routes.create("create_router", "Create a router", RouterCreate, service.create_router)
routes.action("add_interface", "Connect a subnet", RouterInterfaceRequest, service.add_interface)
routes.action(
    "remove_interface", "Disconnect a subnet", RouterInterfaceRequest, service.remove_interface
)


@router.post(
    "/{key}/set_gateway/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACTION_ERRORS,
    summary="Put the gateway on an external network",
)
async def set_gateway(
    key: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    clouds: CloudsDep,
    data: RouterSetGatewayRequest | None = None,
) -> dict[str, str]:
    found = await get_visible(session, principal, Router, key, lock=True)
    await service.set_gateway(session, clouds, principal, found, data or RouterSetGatewayRequest())
    return ACCEPTED


routes.action("set_routes", "Replace the static routes", RouterSetRoutesRequest, service.set_routes)
routes.delete("delete_router", "Delete the router", service.delete_router)
add_common_actions(router, "router")
