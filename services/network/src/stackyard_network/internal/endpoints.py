"""The internal routes compute calls; see `stackyard_network.internal` for the contract."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from stackyard_common.api import NotFound
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_network.cloud import CloudsDep
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.internal import floating_ips, ports
from stackyard_network.internal.schemas import (
    InternalFloatingIP,
    InternalFloatingIPRequest,
    InternalPort,
    InternalPortRequest,
    SecurityGroupsRequest,
)
from stackyard_network.ports.models import Port

__all__ = ["router"]

router = APIRouter(prefix="/internal", include_in_schema=False)


@router.post("/ports/", status_code=status.HTTP_201_CREATED)
async def create_port(
    data: InternalPortRequest,
    response: Response,
    caller: ServiceCaller,
    session: SessionDep,
    clouds: CloudsDep,
) -> InternalPort:
    port, created = await ports.create_port(session, clouds, caller, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return ports.internal_port(port)


@router.delete("/ports/{key}", status_code=status.HTTP_204_NO_CONTENT, response_model=None)
async def delete_port(
    key: uuid.UUID,
    caller: ServiceCaller,
    session: SessionDep,
    clouds: CloudsDep,
    tenant_uuid: uuid.UUID | None = None,
) -> Response:
    await ports.delete_port(session, clouds, caller, key, tenant_uuid)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/ports/{key}/security-groups")
async def set_security_groups(
    key: uuid.UUID,
    data: SecurityGroupsRequest,
    caller: ServiceCaller,
    session: SessionDep,
    clouds: CloudsDep,
) -> InternalPort:
    port = await session.get(Port, key, with_for_update=True)
    if port is None:
        raise NotFound("No such port.")
    port = await ports.set_groups(session, clouds, caller, port, data.security_group_uuids)
    return ports.internal_port(port)


@router.post("/floating-ips/", status_code=status.HTTP_201_CREATED)
async def assign_floating_ip(
    data: InternalFloatingIPRequest,
    response: Response,
    caller: ServiceCaller,
    session: SessionDep,
    clouds: CloudsDep,
) -> InternalFloatingIP:
    record, created = await floating_ips.assign_floating_ip(session, clouds, caller, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return await floating_ips.internal_floating_ip(session, record)


@router.post("/floating-ips/{key}/unassign")
async def unassign_floating_ip(
    key: uuid.UUID, caller: ServiceCaller, session: SessionDep, clouds: CloudsDep
) -> InternalFloatingIP:
    record = await session.get(FloatingIP, key, with_for_update=True)
    if record is None:
        raise NotFound("No such floating IP.")
    record = await floating_ips.unassign(session, clouds, caller, record)
    return await floating_ips.internal_floating_ip(session, record)


@router.delete("/floating-ips/{key}", status_code=status.HTTP_204_NO_CONTENT, response_model=None)
async def release_floating_ip(
    key: uuid.UUID, caller: ServiceCaller, session: SessionDep, clouds: CloudsDep
) -> Response:
    await floating_ips.release(session, clouds, caller, key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
