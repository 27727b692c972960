"""`/api/openstack-ports/`: ports of the tenants (users' own, routers', and those made
for instances). Creating (fixed IPs, security groups), `PATCH` and delete answer 202 and
end OK or ERRED in the worker; fixed IPs are checked first (inside their subnet, not
taken). Also `pull`, and staff's `set_erred`, `set_ok` and `unlink`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request

from stackyard_common.api import PageDep
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.ports import service
from stackyard_network.ports.models import Port
from stackyard_network.ports.schemas import PortCreate, PortRead, PortUpdate
from stackyard_network.ports.views import port_reads
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import KindRoutes, matching

__all__ = ["router"]

router = APIRouter(prefix="/api/openstack-ports", tags=["openstack-ports"])


@router.get("/", responses=ACTION_ERRORS, summary="Ports the caller may see")
async def list_ports(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: uuid.UUID | None = None,
    network_uuid: uuid.UUID | None = None,
    device_id: str | None = None,
    device_owner: str | None = None,
    backend_id: str | None = None,
    name: str | None = Query(default=None, description="Part of the name."),
    state: list[str] | None = Query(default=None),
) -> list[PortRead]:
    conditions = matching(
        Port,
        name=name,
        state=state,
        equal=(
            (Port.tenant_uuid, tenant_uuid),
            (Port.network_uuid, network_uuid),
            (Port.device_id, device_id),
            (Port.device_owner, device_owner),
            (Port.backend_id, backend_id),
        ),
    )
    return await routes.listed(
        request, session, principal, page, conditions, Port.created, Port.uuid
    )


routes = KindRoutes(router, Port, PortRead, port_reads)
routes.retrieve("get_port", "One port")
routes.create("create_port", "Create a port", PortCreate, service.create_port)
routes.update("update_port", "Rename, describe or regroup", PortUpdate, service.update_port)
routes.delete("delete_port", "Delete the port", service.delete_port)
add_common_actions(router, "port")
