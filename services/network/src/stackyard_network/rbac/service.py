"""Sharing a tenant's network with another tenant of the same cloud, and stopping:
checked here, done by the worker (202)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_common.tenants import get_tenant, tenants
from stackyard_network.networks.models import Network
from stackyard_network.rbac.models import RBACPolicy
from stackyard_network.rbac.schemas import RBACPolicyCreate
from stackyard_network.resources.access import (
    ensure_manager,
    get_visible,
    parse_reference,
    visible_tenant_uuids,
    writable_tenant,
)
from stackyard_network.resources.events import CREATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule

__all__ = ["create_policy", "delete_policy"]


async def create_policy(
    session: AsyncSession, principal: Principal, data: RBACPolicyCreate
) -> RBACPolicy:
    """A new policy (CREATION_SCHEDULED): the caller manages the network's tenant and
    sees the target tenant, on the same cloud."""
    try:
        network: Network = await get_visible(
            session, principal, Network, parse_reference("network", data.network)
        )
    except NotFound as error:
        raise ValidationFailed.field("network", "No such network.") from error
    source = await writable_tenant(session, principal, network.tenant_uuid, field="network")
    if network.state != ResourceState.OK:
        raise Conflict(f"The network is {network.state}.")
    target_uuid = parse_reference("target_tenant", data.target_tenant)
    target = await get_tenant(session, target_uuid)
    seen = (
        principal.sees_everything
        or (
            await session.execute(
                visible_tenant_uuids(principal).where(tenants.c.uuid == target_uuid)
            )
        ).first()
        is not None
    )
    if target is None or target.deleted or not seen:
        raise ValidationFailed.field("target_tenant", "No such tenant.")
    if target.uuid == source.uuid:
        raise ValidationFailed.field("target_tenant", "A network is always its own tenant's.")
    if target.cloud_connection_uuid != source.cloud_connection_uuid or not target.backend_id:
        raise ValidationFailed.field("target_tenant", "The tenant is not in the network's cloud.")
    duplicate = await session.execute(
        select(RBACPolicy.uuid).where(
            RBACPolicy.network_uuid == network.uuid,
            RBACPolicy.target_tenant_uuid == target.uuid,
            RBACPolicy.policy_type == data.policy_type,
        )
    )
    if duplicate.first() is not None:
        raise ValidationFailed.field("target_tenant", "The network is shared with it already.")
    policy = RBACPolicy(
        network_uuid=network.uuid,
        target_tenant_uuid=target.uuid,
        policy_type=data.policy_type,
        tenant_uuid=source.uuid,
        customer_uuid=source.customer_uuid,
        project_uuid=source.project_uuid,
    )
    session.add(policy)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "rbac_policy", CREATED, policy, actor=actor)
    await schedule(session, "rbac_policy", policy, "create", actor=actor, announce=False)
    return policy


async def delete_policy(session: AsyncSession, principal: Principal, policy: RBACPolicy) -> None:
    """Stop sharing (DELETION_SCHEDULED): the network's tenant's managers."""
    await ensure_manager(session, principal, policy.customer_uuid, policy.project_uuid)
    await ensure_idle(session, policy)
    await schedule(
        session,
        "rbac_policy",
        policy,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
