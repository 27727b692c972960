"""Granting, changing and revoking roles.

Each change is recorded (audit entry and role event in the outbox) and applied to
identity's own memberships projection in the same transaction, exactly as every other
service will apply the event from the exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.auth import (
    ROLE_GRANTED,
    ROLE_REVOKED,
    ROLE_UPDATED,
    Role,
    apply_role_event,
    role_event_payload,
)
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.models import User
from stackyard_identity.roles import repository
from stackyard_identity.roles.models import RoleGrant

__all__ = ["Scope", "grant_role", "revoke_all", "revoke_role", "update_role"]


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a role is held: an organisation, or a project and its organisation."""

    kind: str  # "customer" or "project"
    uuid: UUID
    name: str
    customer: UUID

    @property
    def project(self) -> UUID | None:
        return self.uuid if self.kind == "project" else None


async def _record(
    session: AsyncSession,
    actor: Actor,
    event_type: str,
    verb: str,
    grant: RoleGrant,
    username: str,
    scope: Scope,
) -> None:
    role = Role(grant.role)
    envelope = await record_change(
        session,
        actor,
        event_type,
        f"User {username} {verb} {role.value} in {scope.kind} {scope.name} by {actor.username}.",
        resource_type=scope.kind,
        resource_uuid=scope.uuid,
        resource_name=scope.name,
        customer=scope.customer,
        project=scope.project,
        data=role_event_payload(
            user=grant.user_uuid,
            role=role,
            scope_uuid=scope.uuid,
            customer_uuid=scope.customer,
            expires_at=grant.expires_at,
            grant_uuid=str(grant.uuid),
            user_username=username,
        ),
    )
    await apply_role_event(envelope, session)


async def grant_role(
    session: AsyncSession,
    actor: Actor,
    scope: Scope,
    user: User,
    role: Role,
    expires_at: datetime | None,
) -> RoleGrant:
    """Give `user` `role` in `scope`; 400 when they already hold it."""
    if await repository.find(session, user.uuid, scope.uuid, role.value) is not None:
        raise ValidationFailed("The user already has this role.")
    grant = RoleGrant(
        user_uuid=user.uuid,
        role=role.value,
        scope_type=scope.kind,
        scope_uuid=scope.uuid,
        customer_uuid=scope.customer,
        expires_at=expires_at,
        created_by=actor.uuid,
    )
    session.add(grant)
    await session.flush()
    await session.refresh(grant)
    await _record(session, actor, ROLE_GRANTED, "was granted", grant, user.username, scope)
    return grant


async def update_role(
    session: AsyncSession,
    actor: Actor,
    scope: Scope,
    user: User,
    role: Role,
    expires_at: datetime | None,
) -> RoleGrant:
    """Change when `user`'s `role` in `scope` expires; 400 when they do not hold it."""
    grant = await repository.find(session, user.uuid, scope.uuid, role.value)
    if grant is None:
        raise ValidationFailed("The user does not have this role.")
    grant.expires_at = expires_at
    await session.flush()
    await session.refresh(grant)
    await _record(
        session, actor, ROLE_UPDATED, "had a new expiry set for", grant, user.username, scope
    )
    return grant


async def revoke_role(
    session: AsyncSession, actor: Actor, scope: Scope, user: User, role: Role
) -> None:
    """Take `role` in `scope` away from `user`; 400 when they do not hold it."""
    grant = await repository.find(session, user.uuid, scope.uuid, role.value)
    if grant is None:
        raise ValidationFailed("The user does not have this role.")
    await _revoke(session, actor, scope, grant, user.username)


async def _revoke(
    session: AsyncSession, actor: Actor, scope: Scope, grant: RoleGrant, username: str
) -> None:
    await session.delete(grant)
    await session.flush()
    await _record(session, actor, ROLE_REVOKED, "lost", grant, username, scope)


async def revoke_all(session: AsyncSession, actor: Actor, scope: Scope) -> None:
    """Revoke every grant held in `scope` (before it is deleted), each with its event."""
    rows = (await session.execute(repository.grants_with_users(scope.uuid))).all()
    for grant, user in rows:
        await _revoke(session, actor, scope, grant, user.username)
