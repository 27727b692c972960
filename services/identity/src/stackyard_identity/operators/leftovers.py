"""Leftover Keystone projects: projects the platform made for tenants it no longer has.

A tenant's project carries the tenant's uuid in its description (`naming.marker`); a
project so marked whose tenant has no record (torn down, unlinked, or lost) is a
leftover. The users the platform made for such a project are found by their names
(`naming.user_names`: the project's name with `-admin` and `-user`). Projects without
the mark are never touched: the platform did not make them.

Dropping deletes the users, then the project; what is already gone counts as dropped.
Resources still inside the project (servers, volumes) are left as they are: deleting a
Keystone project does not delete them, and what becomes of them is the operator's
decision, made with the cloud's own tools.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack import OpenStackClient
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.naming import marked_tenant

__all__ = ["LeftoverProject", "drop_leftovers", "find_leftovers"]

USER_SUFFIXES = ("-admin", "-user")


class LeftoverProject(BaseModel):
    """A leftover project, the tenant it was made for, and its users (id by name)."""

    project_id: str
    project_name: str
    tenant_uuid: str
    users: dict[str, str]
    dropped: bool = False


async def find_leftovers(session: AsyncSession, cloud: OpenStackClient) -> list[LeftoverProject]:
    """The cloud's leftover projects, by name."""
    marked: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for project in await cloud.identity.list_projects():
        tenant = marked_tenant(project.description)
        if tenant is not None:
            marked.setdefault(tenant, []).append((project.id, project.name))
    if not marked:
        return []
    known = set(
        (await session.scalars(select(Tenant.uuid).where(Tenant.uuid.in_(list(marked))))).all()
    )
    orphans = [
        (tenant, pid, name)
        for tenant, projects in marked.items()
        if tenant not in known
        for pid, name in projects
    ]
    if not orphans:
        return []
    users = {user.name: user.id for user in await cloud.identity.list_users()}
    return sorted(
        (
            LeftoverProject(
                project_id=pid,
                project_name=name,
                tenant_uuid=str(tenant),
                users={
                    name + suffix: users[name + suffix]
                    for suffix in USER_SUFFIXES
                    if name + suffix in users
                },
            )
            for tenant, pid, name in orphans
        ),
        key=lambda leftover: leftover.project_name,
    )


async def drop_leftovers(
    session: AsyncSession, cloud: OpenStackClient, *, dry_run: bool
) -> list[LeftoverProject]:
    """The leftover projects, each deleted with its users unless `dry_run`."""
    leftovers = await find_leftovers(session, cloud)
    if dry_run:
        return leftovers
    for leftover in leftovers:
        for user_id in leftover.users.values():
            await cloud.identity.delete_user(user_id)
        await cloud.identity.delete_project(leftover.project_id)
        leftover.dropped = True
    return leftovers
