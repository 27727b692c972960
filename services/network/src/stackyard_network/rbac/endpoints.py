"""`/api/openstack-network-rbac-policies/`: a tenant's networks shared with other
tenants. Seen by whoever sees either tenant; created and deleted (202, by the worker)
by the network's tenant's managers. Also `pull`, `set_erred`, `set_ok` and `unlink`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Request
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, PageDep, paginate
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_common.tenants import tenants
from stackyard_network.networks.models import Network
from stackyard_network.rbac import service
from stackyard_network.rbac.models import KIND, RBACPolicy
from stackyard_network.rbac.schemas import RBACPolicyCreate, RBACPolicyRead
from stackyard_network.resources.access import visible, visible_tenant_uuids
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import KindRoutes, matching
from stackyard_network.resources.schemas import TenantNames, absolute_url, common_fields

__all__ = ["router"]

router = APIRouter(
    prefix="/api/openstack-network-rbac-policies", tags=["openstack-network-rbac-policies"]
)


def _seen(principal: Principal) -> ColumnElement[bool]:
    if principal.sees_everything:
        return visible(principal, RBACPolicy)
    return or_(
        visible(principal, RBACPolicy),
        RBACPolicy.target_tenant_uuid.in_(visible_tenant_uuids(principal)),
    )


async def policy_reads(
    request: Request, session: AsyncSession, policies: Sequence[RBACPolicy]
) -> list[RBACPolicyRead]:
    """The API's views of `policies`."""
    names = await TenantNames.of(session, policies)
    targets = {
        row.uuid: row.name
        for row in await session.execute(
            select(tenants.c.uuid, tenants.c.name).where(
                tenants.c.uuid.in_({p.target_tenant_uuid for p in policies})
            )
        )
    }
    network_names = {
        row.uuid: row.name
        for row in await session.execute(
            select(Network.uuid, Network.name).where(
                Network.uuid.in_({p.network_uuid for p in policies})
            )
        )
    }
    return [
        RBACPolicyRead(
            **common_fields(request, policy, KIND.path, "OpenStack.NetworkRBACPolicy", names),
            network=absolute_url(request, f"/api/openstack-networks/{policy.network_uuid}/"),
            network_uuid=policy.network_uuid,
            network_name=network_names.get(policy.network_uuid, ""),
            source_tenant_uuid=policy.tenant_uuid,
            source_tenant_name=names.name(policy.tenant_uuid),
            target_tenant=absolute_url(
                request, f"/api/openstack-tenants/{policy.target_tenant_uuid}/"
            ),
            target_tenant_uuid=policy.target_tenant_uuid,
            target_tenant_name=targets.get(policy.target_tenant_uuid, ""),
            policy_type=policy.policy_type,
        )
        for policy in policies
    ]


@router.get("/", responses=ACTION_ERRORS, summary="Policies the caller may see")
async def list_policies(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    network_uuid: uuid.UUID | None = None,
    target_tenant_uuid: uuid.UUID | None = None,
    tenant_uuid: uuid.UUID | None = None,
) -> list[RBACPolicyRead]:
    conditions = matching(
        RBACPolicy,
        equal=(
            (RBACPolicy.network_uuid, network_uuid),
            (RBACPolicy.target_tenant_uuid, target_tenant_uuid),
            (RBACPolicy.tenant_uuid, tenant_uuid),
        ),
    )
    query = select(RBACPolicy).where(_seen(principal), *conditions).order_by(RBACPolicy.created)
    return await policy_reads(request, session, await paginate(session, query, page))


async def _visible(session: AsyncSession, principal: Principal, key: uuid.UUID) -> RBACPolicy:
    found = await session.execute(
        select(RBACPolicy).where(RBACPolicy.uuid == key, _seen(principal)).with_for_update()
    )
    policy = found.scalar_one_or_none()
    if policy is None:
        raise NotFound
    return policy


routes = KindRoutes(router, RBACPolicy, RBACPolicyRead, policy_reads)
routes.retrieve("get_policy", "One policy", find=_visible)
routes.create(
    "create_policy", "Share a network with another tenant", RBACPolicyCreate, service.create_policy
)
routes.delete("delete_policy", "Stop sharing", service.delete_policy, find=_visible)
add_common_actions(router, "rbac_policy")
