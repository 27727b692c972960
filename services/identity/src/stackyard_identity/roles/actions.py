"""The role actions shared by `/api/customers/{uuid}/...` and `/api/projects/{uuid}/...`:
`add_user`, `update_user`, `delete_user` and `list_users`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Page, ValidationFailed, paginate
from stackyard_common.auth import Principal
from stackyard_identity.audit.recording import Actor
from stackyard_identity.models import User
from stackyard_identity.roles import repository, service
from stackyard_identity.roles.models import RoleGrant
from stackyard_identity.roles.policy import ensure_may_manage
from stackyard_identity.roles.schemas import RoleGrantRead, RoleGrantRequest, RoleRevokeRequest
from stackyard_identity.roles.service import Scope
from stackyard_identity.users import repository as users
from stackyard_identity.web import parse_reference

__all__ = ["add_user", "delete_user", "grant_read", "list_users", "update_user"]


def grant_read(grant: RoleGrant, user: User) -> RoleGrantRead:
    """The API's view of a grant."""
    return RoleGrantRead(
        uuid=grant.uuid,
        created=grant.created,
        expiration_time=grant.expires_at,
        role_name=grant.role,
        user_uuid=user.uuid,
        user_username=user.username,
        user_full_name=user.full_name,
        user_email=user.email,
        created_by_uuid=grant.created_by,
    )


async def _user(session: AsyncSession, reference: str) -> User:
    # Any existing user may be added: owners bring in people they do not yet work with.
    user = await users.by_uuid(session, parse_reference("user", reference))
    if user is None or not user.is_active:
        raise ValidationFailed.field("user", "No such active user.")
    return user


async def add_user(
    session: AsyncSession, principal: Principal, scope: Scope, data: RoleGrantRequest
) -> RoleGrantRead:
    """Grant a role in `scope` (the caller can see it: checked by the endpoint)."""
    await ensure_may_manage(session, principal, scope, data.role)
    user = await _user(session, data.user)
    grant = await service.grant_role(
        session, Actor.of(principal), scope, user, data.role, data.expiration_time
    )
    return grant_read(grant, user)


async def update_user(
    session: AsyncSession, principal: Principal, scope: Scope, data: RoleGrantRequest
) -> RoleGrantRead:
    """Change a grant's expiry in `scope`."""
    await ensure_may_manage(session, principal, scope, data.role)
    user = await _user(session, data.user)
    grant = await service.update_role(
        session, Actor.of(principal), scope, user, data.role, data.expiration_time
    )
    return grant_read(grant, user)


async def delete_user(
    session: AsyncSession, principal: Principal, scope: Scope, data: RoleRevokeRequest
) -> None:
    """Revoke a role in `scope`."""
    await ensure_may_manage(session, principal, scope, data.role)
    user = await users.by_uuid(session, parse_reference("user", data.user))
    if user is None:
        raise ValidationFailed.field("user", "No such user.")
    await service.revoke_role(session, Actor.of(principal), scope, user, data.role)


async def list_users(session: AsyncSession, scope: Scope, page: Page) -> list[RoleGrantRead]:
    """The grants in `scope`, one page, by username."""
    grants = await paginate(session, repository.grants_by_username(scope.uuid), page)
    holders = await repository.users_by_uuid(session, {grant.user_uuid for grant in grants})
    return [grant_read(grant, holders[grant.user_uuid]) for grant in grants]
