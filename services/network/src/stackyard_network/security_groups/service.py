"""Creating, renaming and deleting security groups and adding and removing their
rules: checked here (rules, remote groups), done in the cloud by the worker (202)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound
from stackyard_common.auth import Principal
from stackyard_network.ports.models import Port
from stackyard_network.resources.access import ensure_manager, parse_reference, writable_tenant
from stackyard_network.resources.events import CREATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule
from stackyard_network.security_groups.models import SecurityGroup, SecurityGroupRule
from stackyard_network.security_groups.schemas import (
    SecurityGroupCreate,
    SecurityGroupRuleCreate,
    SecurityGroupUpdate,
)
from stackyard_network.security_groups.validation import checked_rules

__all__ = ["add_rule", "create_group", "delete_group", "remove_rule", "update_group"]


async def create_group(
    session: AsyncSession, principal: Principal, data: SecurityGroupCreate
) -> SecurityGroup:
    """A new group with its rules (CREATION_SCHEDULED), made by the worker."""
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    group = SecurityGroup(
        uuid=uuid.uuid4(),
        name=data.name,
        description=data.description,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
    )
    rules = await checked_rules(session, tenant.uuid, data.rules, group.uuid, "rules.")
    session.add(group)
    await session.flush()
    session.add_all(rules)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "security_group", CREATED, group, actor=actor)
    await schedule(session, "security_group", group, "create", actor=actor, announce=False)
    return group


async def _ready(session: AsyncSession, principal: Principal, group: SecurityGroup) -> None:
    await ensure_manager(session, principal, group.customer_uuid, group.project_uuid)
    await ensure_idle(session, group)


async def update_group(
    session: AsyncSession, principal: Principal, group: SecurityGroup, data: SecurityGroupUpdate
) -> SecurityGroup:
    """Rename or describe a settled group (UPDATE_SCHEDULED)."""
    changes = {
        name: value
        for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items()
        if getattr(group, name) != value
    }
    await ensure_manager(session, principal, group.customer_uuid, group.project_uuid)
    if not changes:
        return group
    await ensure_idle(session, group)
    for name, value in changes.items():
        setattr(group, name, value)
    await schedule(
        session,
        "security_group",
        group,
        "update",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params=changes,
    )
    return group


async def add_rule(
    session: AsyncSession, principal: Principal, group: SecurityGroup, data: SecurityGroupRuleCreate
) -> SecurityGroupRule:
    """A new rule of a settled group (the group UPDATE_SCHEDULED until it is made)."""
    await _ready(session, principal, group)
    (rule,) = await checked_rules(session, group.tenant_uuid, [data], group.uuid, "")
    session.add(rule)
    await session.flush()
    await schedule(
        session,
        "security_group",
        group,
        "add_rule",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
    )
    return rule


async def remove_rule(
    session: AsyncSession, principal: Principal, group: SecurityGroup, rule_id: int
) -> None:
    """Remove one rule of a settled group (UPDATE_SCHEDULED until it is gone)."""
    await _ready(session, principal, group)
    rule = await session.get(SecurityGroupRule, rule_id)
    if rule is None or rule.security_group_uuid != group.uuid:
        raise NotFound("No such rule.")
    if not rule.backend_id:
        raise Conflict("The rule is not made yet.")
    await schedule(
        session,
        "security_group",
        group,
        "remove_rule",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params={"rule_backend_id": rule.backend_id},
    )


async def delete_group(session: AsyncSession, principal: Principal, group: SecurityGroup) -> None:
    """Delete a settled group no port uses (DELETION_SCHEDULED); 409 otherwise."""
    await _ready(session, principal, group)
    if group.name == "default":
        raise Conflict("The default group of a tenant cannot be deleted.")
    if group.backend_id:
        ports = await session.execute(
            select(Port.uuid).where(
                Port.tenant_uuid == group.tenant_uuid,
                Port.security_group_ids.contains([group.backend_id]),
            )
        )
        if ports.first() is not None:
            raise Conflict("Ports use the group; change them first.")
    await schedule(
        session,
        "security_group",
        group,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
