"""`/api/openstack-sgp/` (and, read-only, `/api/openstack-security-groups/`): the
tenants' security groups with their rules. Creating (with rules), renaming, deleting,
and `rules/` (add one, remove one by id) answer 202 and end OK or ERRED in the worker;
rules are checked first (port ranges, CIDRs, remote groups of the same tenant)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import PageDep
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_network.resources.access import get_visible
from stackyard_network.resources.actions import ACTION_ERRORS, add_common_actions
from stackyard_network.resources.routes import KindRoutes, matching
from stackyard_network.resources.schemas import TenantNames, absolute_url, common_fields
from stackyard_network.security_groups import service
from stackyard_network.security_groups.models import KIND, SecurityGroup, SecurityGroupRule
from stackyard_network.security_groups.schemas import (
    SecurityGroupCreate,
    SecurityGroupRead,
    SecurityGroupRuleCreate,
    SecurityGroupRuleRead,
    SecurityGroupUpdate,
)

__all__ = ["aliases", "router"]

router = APIRouter(prefix="/api/openstack-sgp", tags=["openstack-sgp"])
aliases = APIRouter(prefix="/api/openstack-security-groups", tags=["openstack-sgp"])


async def group_reads(
    request: Request, session: AsyncSession, groups: Sequence[SecurityGroup]
) -> list[SecurityGroupRead]:
    """The API's views of `groups`, with their rules."""
    names = await TenantNames.of(session, groups)
    keys = [group.uuid for group in groups]
    rules = list(
        (
            await session.execute(
                select(SecurityGroupRule)
                .where(SecurityGroupRule.security_group_uuid.in_(keys))
                .order_by(SecurityGroupRule.id)
            )
        ).scalars()
    )
    remote_keys = {rule.remote_group_uuid for rule in rules if rule.remote_group_uuid}
    remote_names = {
        row.uuid: row.name
        for row in await session.execute(
            select(SecurityGroup.uuid, SecurityGroup.name).where(
                SecurityGroup.uuid.in_(remote_keys)
            )
        )
    }

    def rule_read(rule: SecurityGroupRule) -> SecurityGroupRuleRead:
        remote = rule.remote_group_uuid
        return SecurityGroupRuleRead(
            id=rule.id,
            backend_id=rule.backend_id,
            ethertype=rule.ethertype,
            direction=rule.direction,
            protocol=rule.protocol,
            from_port=rule.from_port,
            to_port=rule.to_port,
            cidr=rule.cidr,
            remote_group=absolute_url(request, f"{KIND.path}{remote}/") if remote else None,
            remote_group_uuid=remote,
            remote_group_name=remote_names.get(remote) if remote else None,
            description=rule.description,
        )

    return [
        SecurityGroupRead(
            **common_fields(request, group, KIND.path, "OpenStack.SecurityGroup", names),
            rules=[rule_read(rule) for rule in rules if rule.security_group_uuid == group.uuid],
        )
        for group in groups
    ]


async def list_groups(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: uuid.UUID | None = None,
    name: str | None = Query(default=None, description="Part of the name."),
    name_exact: str | None = None,
    backend_id: str | None = None,
    state: list[str] | None = Query(default=None),
) -> list[SecurityGroupRead]:
    conditions = matching(
        SecurityGroup,
        name=name,
        state=state,
        equal=(
            (SecurityGroup.tenant_uuid, tenant_uuid),
            (SecurityGroup.name, name_exact),
            (SecurityGroup.backend_id, backend_id),
        ),
    )
    return await routes.listed(request, session, principal, page, conditions, SecurityGroup.name)


# The groups are read at both paths, under operation ids of their own.
for _router, _prefix in ((router, "sgp"), (aliases, "security_groups")):
    _router.add_api_route(
        "/",
        list_groups,
        methods=["GET"],
        responses=ACTION_ERRORS,
        summary="Security groups the caller may see",
        operation_id=f"{_prefix}_list",
    )
    KindRoutes(_router, SecurityGroup, SecurityGroupRead, group_reads).retrieve(
        "get_group", "One security group", operation_id=f"{_prefix}_retrieve"
    )

routes = KindRoutes(router, SecurityGroup, SecurityGroupRead, group_reads)
routes.create(
    "create_group", "Create a security group with rules", SecurityGroupCreate, service.create_group
)
routes.update("update_group", "Rename or describe", SecurityGroupUpdate, service.update_group)


@router.post(
    "/{key}/rules/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACTION_ERRORS,
    summary="Add a rule",
)
async def add_rule(
    key: uuid.UUID, data: SecurityGroupRuleCreate, principal: CurrentUser, session: SessionDep
) -> dict[str, object]:
    group = await get_visible(session, principal, SecurityGroup, key, lock=True)
    rule = await service.add_rule(session, principal, group, data)
    return {"status": "accepted", "id": rule.id}


@router.delete(
    "/{key}/rules/{rule_id}/",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACTION_ERRORS,
    summary="Remove a rule",
    response_model=None,
)
async def remove_rule(
    key: uuid.UUID, rule_id: int, principal: CurrentUser, session: SessionDep
) -> Response:
    group = await get_visible(session, principal, SecurityGroup, key, lock=True)
    await service.remove_rule(session, principal, group, rule_id)
    return Response(status_code=status.HTTP_202_ACCEPTED)


routes.delete("delete_group", "Delete the group", service.delete_group)
add_common_actions(router, "security_group")
