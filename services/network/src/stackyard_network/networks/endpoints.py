"""`/api/openstack-networks/`: a tenant's networks (and networks shared with it).

Reading: whoever sees the tenant (or a tenant the network is shared with). Creating,
changing and deleting: staff, the organisation's owners, the project's administrators
and managers; each answers 202 with the network in a scheduled state, and the worker
ends it OK or ERRED. Also `pull`, and staff's `set_erred`, `set_ok` and `unlink`.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import PageDep, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.networks import repository, service
from stackyard_network.networks.models import KIND, Network
from stackyard_network.networks.schemas import (
    NetworkCreate,
    NetworkNestedRBACPolicy,
    NetworkNestedSubnet,
    NetworkRead,
    NetworkUpdate,
)
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import KindRoutes, matching
from stackyard_network.resources.schemas import TenantNames, common_fields

__all__ = ["network_reads", "router"]

router = APIRouter(prefix="/api/openstack-networks", tags=["openstack-networks"])


async def network_reads(
    request: Request, session: AsyncSession, networks: list[Network]
) -> list[NetworkRead]:
    """The API's views of `networks`, with their subnets and policies."""
    keys = [network.uuid for network in networks]
    subnets = await repository.subnets_of(session, keys)
    policies = await repository.policies_of(session, keys)
    names = await TenantNames.of(session, networks)
    return [
        NetworkRead(
            **common_fields(request, network, KIND.path, "OpenStack.Network", names),
            mtu=network.mtu,
            is_external=network.is_external,
            shared=network.shared,
            type=network.type,
            segmentation_id=network.segmentation_id,
            subnets=[
                NetworkNestedSubnet.model_validate(subnet, from_attributes=True)
                for subnet in subnets
                if subnet.network_uuid == network.uuid
            ],
            rbac_policies=[
                NetworkNestedRBACPolicy.model_validate(policy, from_attributes=True)
                for policy in policies
                if policy.network_uuid == network.uuid
            ],
        )
        for network in networks
    ]


@router.get("/", responses=ACTION_ERRORS, summary="Networks the caller may see")
async def list_networks(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: uuid.UUID | None = Query(
        default=None, description="Networks of this tenant, and those shared with it."
    ),
    name: str | None = Query(default=None, description="Part of the name."),
    name_exact: str | None = None,
    backend_id: str | None = None,
    state: list[str] | None = Query(default=None),
    project_uuid: uuid.UUID | None = None,
    customer_uuid: uuid.UUID | None = None,
    is_external: bool | None = None,
) -> list[NetworkRead]:
    conditions: list[ColumnElement[bool]] = []
    if tenant_uuid is not None:
        conditions.append(
            or_(
                Network.tenant_uuid == tenant_uuid,
                Network.uuid.in_(repository.shared_with([tenant_uuid])),
            )
        )
    conditions += matching(
        Network,
        name=name,
        state=state,
        equal=(
            (Network.name, name_exact),
            (Network.backend_id, backend_id),
            (Network.project_uuid, project_uuid),
            (Network.customer_uuid, customer_uuid),
            (Network.is_external, is_external),
        ),
    )
    rows = await paginate(session, repository.visible_networks(principal, *conditions), page)
    return await network_reads(request, session, list(rows))


routes = KindRoutes(router, Network, NetworkRead, network_reads)
routes.retrieve("get_network", "One network", find=repository.visible_network)
routes.create(
    "create_network", "Create a network in a tenant", NetworkCreate, service.create_network
)
routes.update(
    "update_network", "Change name, description or MTU", NetworkUpdate, service.update_network
)
routes.delete("delete_network", "Delete the network and its subnets", service.delete_network)
add_common_actions(router, "network")
