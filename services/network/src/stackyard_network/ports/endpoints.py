"""`/api/openstack-ports/`: ports of the tenants (users' own, routers', and those made
for instances). Creating (fixed IPs, security groups), `PATCH` and delete answer 202 and
end OK or ERRED in the worker; fixed IPs are checked first (inside their subnet, not
taken). Also `pull`, and staff's `set_erred`, `set_ok` and `unlink`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import ColumnElement, select

from stackyard_common.api import PageDep, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.ports import service
from stackyard_network.ports.models import Port
from stackyard_network.ports.schemas import PortCreate, PortRead, PortUpdate
from stackyard_network.ports.views import port_reads
from stackyard_network.resources.access import get_visible, visible
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions

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
    conditions: list[ColumnElement[bool]] = [visible(principal, Port)]
    if name is not None:
        conditions.append(Port.name.icontains(name, autoescape=True))
    if state:
        conditions.append(Port.state.in_(state))
    for column, value in (
        (Port.tenant_uuid, tenant_uuid),
        (Port.network_uuid, network_uuid),
        (Port.device_id, device_id),
        (Port.device_owner, device_owner),
        (Port.backend_id, backend_id),
    ):
        if value is not None:
            conditions.append(column == value)
    query = select(Port).where(*conditions).order_by(Port.created, Port.uuid)
    return await port_reads(request, session, await paginate(session, query, page))


@router.get("/{key}/", responses=ACTION_ERRORS, summary="One port")
async def get_port(
    request: Request, key: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> PortRead:
    port = await get_visible(session, principal, Port, key)
    return (await port_reads(request, session, [port]))[0]


@router.post(
    "/", status_code=status.HTTP_202_ACCEPTED, responses=ACTION_ERRORS, summary="Create a port"
)
async def create_port(
    request: Request, data: PortCreate, principal: CurrentUser, session: SessionDep
) -> PortRead:
    port = await service.create_port(session, principal, data)
    return (await port_reads(request, session, [port]))[0]


@router.patch(
    "/{key}/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACTION_ERRORS,
    summary="Rename, describe or regroup",
)
async def update_port(
    request: Request, key: uuid.UUID, data: PortUpdate, principal: CurrentUser, session: SessionDep
) -> PortRead:
    port = await get_visible(session, principal, Port, key, lock=True)
    port = await service.update_port(session, principal, port, data)
    return (await port_reads(request, session, [port]))[0]


@router.delete(
    "/{key}/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACTION_ERRORS,
    summary="Delete the port",
    response_model=None,
)
async def delete_port(key: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
    port = await get_visible(session, principal, Port, key, lock=True)
    await service.delete_port(session, principal, port)
    return Response(status_code=status.HTTP_202_ACCEPTED)


add_common_actions(router, "port")
