"""Keystone steps: the tenant's project, its admin and tenant users, their role grants.

Keystone refuses a second project or user of the same name in a domain (409), so these
steps create first and look only when refused: a repeated attempt finds what the first
made. Passwords are generated once, kept encrypted in the tenant's record, and set on
the cloud's user whether the step made the user or found it (an earlier attempt may
have made it with a password that was never saved).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from stackyard_common.openstack import Conflict, OpenStackClient
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_identity.tenants.naming import marker, project_name, user_names
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail
from stackyard_identity.tenants.sagas.network_steps import remove_security_groups

__all__ = [
    "ADMIN_ROLE",
    "MEMBER_ROLE",
    "create_project",
    "create_users",
    "delete_project",
    "delete_users",
    "domain_id",
    "role_id",
]

ADMIN_ROLE = "admin"
MEMBER_ROLE = "member"


async def domain_id(step: TenantStep, cloud: OpenStackClient) -> str:
    """The id of the connection's Keystone domain (remembered per connection)."""
    name = cloud.config.project_domain_name
    key = (str(step.tenant.connection_uuid), "domain", name)
    cache = step.runtime.cloud_ids
    if key not in cache:
        domain = await cloud.identity.find_domain(name)
        if domain is None:
            raise StepFailed(f"the cloud has no domain {name}")
        cache[key] = domain.id
    return cache[key]


async def role_id(step: TenantStep, cloud: OpenStackClient, name: str) -> str:
    """The id of the Keystone role `name` (remembered per connection)."""
    key = (str(step.tenant.connection_uuid), "role", name)
    cache = step.runtime.cloud_ids
    if key not in cache:
        role = await cloud.identity.find_role(name)
        if role is None:
            raise StepFailed(f"the cloud has no role {name!r}")
        cache[key] = role.id
    return cache[key]


@refusals_fail
async def create_project(ctx: StepContext) -> Mapping[str, Any]:
    """Make the tenant's Keystone project, or find the one an earlier attempt made; its
    id is the tenant's `backend_id`."""
    step = await TenantStep.load(ctx)
    cloud = await step.cloud()
    domain = await domain_id(step, cloud)
    name = project_name(step.tenant)
    try:
        project = await cloud.identity.create_project(
            name, domain_id=domain, description=marker(step.tenant)
        )
    except Conflict:
        # Keystone keeps names unique in a domain: it is there already. Asking first
        # would cost every tenant a call to spare the rare repeated attempt one.
        found = await cloud.identity.find_project(name, domain_id=domain)
        if found is None:
            raise
        project = found
    await step.save(backend_id=project.id)
    return {"project_id": project.id}


async def delete_project(ctx: StepContext) -> None:
    """Delete the tenant's project if it exists, then the security groups still in it.

    Neutron makes a project's `default` group for anyone who lists groups with a token
    of the project: a pull still running after the groups were deleted brings it back.
    Deleting the project revokes its tokens, so after that nothing reappears, and the
    admin sweeps what is there.
    """
    step = await TenantStep.load(ctx)
    cloud = await step.cloud()
    project_id = ctx.data.get("project_id") or step.tenant.backend_id
    if not project_id:
        found = await cloud.identity.find_project(
            project_name(step.tenant), domain_id=await domain_id(step, cloud)
        )
        project_id = found.id if found else ""
    if project_id:
        await cloud.identity.delete_project(project_id)
        await remove_security_groups(cloud, project_id)
    await step.save(backend_id="")


def _password(step: TenantStep, encrypted: str) -> str:
    box = step.runtime.box
    return box.decrypt(encrypted) if encrypted else secrets.token_urlsafe(18)


async def _ensure_user(
    cloud: OpenStackClient,
    name: str,
    password: str,
    *,
    domain: str,
    project_id: str,
    role: str,
    description: str,
) -> str:
    try:
        user = await cloud.identity.create_user(
            name,
            SecretStr(password),
            domain_id=domain,
            default_project_id=project_id,
            description=description,
        )
    except Conflict:
        # Made by an earlier attempt (names are unique in a domain), maybe with a
        # password that was never saved: it gets this one.
        found = await cloud.identity.find_user(name, domain_id=domain)
        if found is None:
            raise
        user = found
        await cloud.identity.update_user(user.id, password=SecretStr(password))
    await cloud.identity.grant_project_role(project_id, user.id, role)
    return user.id


@refusals_fail
async def create_users(ctx: StepContext) -> Mapping[str, Any]:
    """Find or make the admin user (role `admin`) and the tenant user (role `member`)."""
    step = await TenantStep.load(ctx)
    cloud = await step.cloud()
    tenant = step.tenant
    project_id = str(ctx.data["project_id"])
    domain = await domain_id(step, cloud)
    admin_role, member_role = await asyncio.gather(
        role_id(step, cloud, ADMIN_ROLE), role_id(step, cloud, MEMBER_ROLE)
    )
    admin_name, user_name = user_names(tenant)
    admin_password = _password(step, tenant.admin_password_encrypted)
    user_password = _password(step, tenant.user_password_encrypted)
    common = {"domain": domain, "project_id": project_id, "description": marker(tenant)}
    admin_id, user_id = await asyncio.gather(
        _ensure_user(cloud, admin_name, admin_password, role=admin_role, **common),
        _ensure_user(cloud, user_name, user_password, role=member_role, **common),
    )
    box = step.runtime.box
    await step.save(
        admin_username=admin_name,
        admin_password_encrypted=box.encrypt(admin_password),
        user_username=user_name,
        user_password_encrypted=box.encrypt(user_password),
    )
    return {"admin_user_id": admin_id, "user_id": user_id}


async def delete_users(ctx: StepContext) -> None:
    """Delete the tenant's two users if they exist."""
    step = await TenantStep.load(ctx)
    cloud = await step.cloud()
    domain = await domain_id(step, cloud)
    # The names saved when the users were made, and those a failed attempt would have used.
    saved = (step.tenant.admin_username, step.tenant.user_username)
    for name in sorted({*user_names(step.tenant), *(name for name in saved if name)}):
        user = await cloud.identity.find_user(name, domain_id=domain)
        if user is not None:
            await cloud.identity.delete_user(user.id)
