"""`/api/openstack-external-networks/`: the clouds' external networks with their
subnets, read-only, synchronised from the clouds (when a tenant turns OK, and daily).
Seen by staff and support, and by whoever sees a tenant on that cloud; filter by cloud
with `settings_uuid`. Staff set a subnet's `public_ip_range` (carrier-grade NAT) with
`PATCH .../{uuid}/subnets/{subnet_uuid}/`."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, PageDep, ValidationFailed, paginate
from stackyard_common.auth import CurrentUser, Principal, StaffUser
from stackyard_common.db import SessionDep
from stackyard_common.tenants import tenants
from stackyard_network.external_networks.models import ExternalNetwork, ExternalSubnet
from stackyard_network.external_networks.schemas import (
    ExternalNetworkRead,
    ExternalSubnetPublicRange,
    ExternalSubnetRead,
)
from stackyard_network.resources.access import visible_tenant_uuids
from stackyard_network.resources.actions import ACTION_ERRORS
from stackyard_network.resources.routes import KindRoutes, matching
from stackyard_network.resources.schemas import absolute_url

__all__ = ["router"]

router = APIRouter(prefix="/api/openstack-external-networks", tags=["openstack-external-networks"])
PATH = "/api/openstack-external-networks/"


def _seen(principal: Principal) -> list[ColumnElement[bool]]:
    if principal.sees_everything:
        return []
    clouds = select(tenants.c.cloud_connection_uuid).where(
        tenants.c.uuid.in_(visible_tenant_uuids(principal))
    )
    return [ExternalNetwork.cloud_connection_uuid.in_(clouds)]


async def _reads(
    request: Request, session: AsyncSession, networks: Sequence[ExternalNetwork]
) -> list[ExternalNetworkRead]:
    subnets = list(
        (
            await session.execute(
                select(ExternalSubnet)
                .where(ExternalSubnet.network_uuid.in_([n.uuid for n in networks]))
                .order_by(ExternalSubnet.cidr)
            )
        ).scalars()
    )
    return [
        ExternalNetworkRead(
            uuid=network.uuid,
            url=absolute_url(request, f"{PATH}{network.uuid}/"),
            name=network.name,
            description=network.description,
            backend_id=network.backend_id,
            status=network.status,
            is_shared=network.is_shared,
            is_default=network.is_default,
            settings_uuid=network.cloud_connection_uuid,
            subnets=[
                ExternalSubnetRead.model_validate(subnet)
                for subnet in subnets
                if subnet.network_uuid == network.uuid
            ],
        )
        for network in networks
    ]


@router.get("/", responses=ACTION_ERRORS, summary="External networks of the clouds")
async def list_external_networks(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    settings_uuid: uuid.UUID | None = Query(default=None, description="The cloud connection."),
    name: str | None = None,
    backend_id: str | None = None,
) -> list[ExternalNetworkRead]:
    # `name` here is the whole name, not a part of it as for the tenants' resources.
    conditions = matching(
        ExternalNetwork,
        equal=(
            (ExternalNetwork.cloud_connection_uuid, settings_uuid),
            (ExternalNetwork.name, name),
            (ExternalNetwork.backend_id, backend_id),
        ),
    )
    query = (
        select(ExternalNetwork).where(*_seen(principal), *conditions).order_by(ExternalNetwork.name)
    )
    return await _reads(request, session, await paginate(session, query, page))


async def _visible(session: AsyncSession, principal: Principal, key: uuid.UUID) -> ExternalNetwork:
    found = await session.execute(
        select(ExternalNetwork).where(ExternalNetwork.uuid == key, *_seen(principal))
    )
    network = found.scalar_one_or_none()
    if network is None:
        raise NotFound
    return network


KindRoutes(router, ExternalNetwork, ExternalNetworkRead, _reads).retrieve(
    "get_external_network", "One external network, with subnets", find=_visible
)


@router.patch(
    "/{key}/subnets/{subnet_key}/",
    responses=ACTION_ERRORS,
    summary="Set the public range behind a subnet's floating IPs (staff)",
)
async def set_public_range(
    key: uuid.UUID,
    subnet_key: uuid.UUID,
    data: ExternalSubnetPublicRange,
    principal: StaffUser,
    session: SessionDep,
) -> ExternalSubnetRead:
    subnet = await session.get(ExternalSubnet, subnet_key)
    if subnet is None or subnet.network_uuid != key:
        raise NotFound
    if data.public_ip_range:
        try:
            public = ipaddress.ip_network(data.public_ip_range, strict=True)
        except ValueError as error:
            raise ValidationFailed.field("public_ip_range", "Not a CIDR.") from error
        inside = ipaddress.ip_network(subnet.cidr, strict=False)
        if public.version != inside.version or public.num_addresses < inside.num_addresses:
            raise ValidationFailed.field(
                "public_ip_range", f"The range must hold as many addresses as {subnet.cidr}."
            )
    subnet.public_ip_range = data.public_ip_range
    await session.flush()
    return ExternalSubnetRead.model_validate(subnet)
