"""`/api/openstack-floating-ips/`: floating IPs of the tenants. Allocating (from the
tenant's external network, by the specification's resolution order), releasing,
`assign` to a port and `unassign` (also as `attach_to_port` / `detach_from_port`)
answer 202 and end OK or ERRED in the worker. `external_address` is the public address
behind a carrier-grade NAT (`public_ip_range` of the external subnet)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import PageDep
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.cloud import CloudsDep
from stackyard_network.external_networks.resolution import external_address
from stackyard_network.floating_ips import service
from stackyard_network.floating_ips.models import KIND, FloatingIP
from stackyard_network.floating_ips.schemas import (
    FloatingIPAssignRequest,
    FloatingIPCreate,
    FloatingIPRead,
)
from stackyard_network.ports.models import Port
from stackyard_network.resources.access import get_visible
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import ACCEPTED, KindRoutes, matching
from stackyard_network.resources.schemas import TenantNames, absolute_url, common_fields

__all__ = ["floating_ip_reads", "router"]

router = APIRouter(prefix="/api/openstack-floating-ips", tags=["openstack-floating-ips"])


async def floating_ip_reads(
    request: Request, session: AsyncSession, records: Sequence[FloatingIP]
) -> list[FloatingIPRead]:
    """The API's views of `records`, with their public addresses."""
    names = await TenantNames.of(session, records)
    ports = {
        port.uuid: port
        for port in (
            await session.execute(
                select(Port).where(Port.uuid.in_({r.port_uuid for r in records if r.port_uuid}))
            )
        ).scalars()
    }
    public: dict[str, str] = {}
    for connection in {names.connection(r.tenant_uuid) for r in records}:
        addresses = [
            r.address
            for r in records
            if r.address and names.connection(r.tenant_uuid) == connection
        ]
        public.update(await external_address(session, connection, addresses))
    reads = []
    for record in records:
        port = ports.get(record.port_uuid) if record.port_uuid else None
        reads.append(
            FloatingIPRead(
                **common_fields(request, record, KIND.path, "OpenStack.FloatingIP", names),
                address=record.address,
                external_address=public.get(record.address or "", record.address),
                backend_network_id=record.backend_network_id,
                port=absolute_url(request, f"/api/openstack-ports/{port.uuid}/") if port else None,
                port_uuid=record.port_uuid,
                port_fixed_ips=port.fixed_ips if port else [],
                fixed_ip_address=record.fixed_ip_address,
                device_id=record.device_id,
            )
        )
    return reads


@router.get("/", responses=ACTION_ERRORS, summary="Floating IPs the caller may see")
async def list_floating_ips(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: uuid.UUID | None = None,
    address: str | None = None,
    port_uuid: uuid.UUID | None = None,
    backend_id: str | None = None,
    state: list[str] | None = Query(default=None),
) -> list[FloatingIPRead]:
    conditions = matching(
        FloatingIP,
        state=state,
        equal=(
            (FloatingIP.tenant_uuid, tenant_uuid),
            (FloatingIP.address, address),
            (FloatingIP.port_uuid, port_uuid),
            (FloatingIP.backend_id, backend_id),
        ),
    )
    return await routes.listed(
        request, session, principal, page, conditions, FloatingIP.created, FloatingIP.uuid
    )


routes = KindRoutes(router, FloatingIP, FloatingIPRead, floating_ip_reads)
routes.retrieve("get_floating_ip", "One floating IP")


@router.post(
    "/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACTION_ERRORS,
    summary="Allocate a floating IP for a tenant",
)
async def allocate_floating_ip(
    request: Request,
    data: FloatingIPCreate,
    principal: CurrentUser,
    session: SessionDep,
    clouds: CloudsDep,
) -> FloatingIPRead:
    record = await service.allocate_floating_ip(session, clouds, principal, data)
    return (await floating_ip_reads(request, session, [record]))[0]


async def assign(
    key: uuid.UUID, data: FloatingIPAssignRequest, principal: CurrentUser, session: SessionDep
) -> dict[str, str]:
    record = await get_visible(session, principal, FloatingIP, key, lock=True)
    await service.assign(session, principal, record, data)
    return ACCEPTED


async def unassign(key: uuid.UUID, principal: CurrentUser, session: SessionDep) -> dict[str, str]:
    record = await get_visible(session, principal, FloatingIP, key, lock=True)
    await service.unassign(session, principal, record)
    return ACCEPTED


for _path, _endpoint, _summary in (
    ("assign", assign, "Point it at a port"),
    ("attach_to_port", assign, "Point it at a port (the reference API's name)"),
    ("unassign", unassign, "Detach it from its port"),
    ("detach_from_port", unassign, "Detach it from its port (the reference API's name)"),
):
    router.add_api_route(
        f"/{{key}}/{_path}/",
        _endpoint,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        responses=ACTION_ERRORS,
        summary=_summary,
        operation_id=f"floating_ips_{_path}",
    )


routes.delete("release", "Release the floating IP", service.release)
add_common_actions(router, "floating_ip")
