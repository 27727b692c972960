"""Users: creation (staff), updates, password changes and deactivation.

A change to what a token claims (active, staff, support) revokes the user's tokens,
because the tokens would otherwise keep claiming it until they expire.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, PermissionDenied, ValidationFailed
from stackyard_common.auth import Principal, ensure_staff, revoke_user_tokens
from stackyard_common.settings import Settings
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.models import User
from stackyard_identity.passwords import hash_password
from stackyard_identity.users import repository
from stackyard_identity.users.schemas import UserCreate, UserUpdate

__all__ = ["change_password", "create_user", "deactivate_user", "get_visible", "update_user"]

TOKEN_FLAGS = ("is_active", "is_staff", "is_support")


def _public(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_support": user.is_support,
    }


async def get_visible(session: AsyncSession, principal: Principal, user_uuid: Any) -> User:
    """The user, if `principal` may see it; `NotFound` otherwise."""
    user = await repository.by_uuid(session, user_uuid, principal)
    if user is None:
        raise NotFound
    return user


async def create_user(session: AsyncSession, principal: Principal, data: UserCreate) -> User:
    """Create a user (staff only); 400 when the username is taken."""
    ensure_staff(principal)
    if await repository.by_username(session, data.username) is not None:
        raise ValidationFailed.field("username", "A user with that username already exists.")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        full_name=data.full_name,
        email=data.email,
        is_active=data.is_active,
        is_staff=data.is_staff,
        is_support=data.is_support,
    )
    session.add(user)
    await session.flush()
    await session.refresh(user)
    await record_change(
        session,
        Actor.of(principal),
        "user.created.v1",
        f"User {user.username} was created by {principal.username}.",
        resource_type="user",
        resource_uuid=user.uuid,
        resource_name=user.username,
        data=_public(user),
    )
    return user


async def update_user(
    session: AsyncSession,
    redis: Redis,
    settings: Settings,
    principal: Principal,
    user: User,
    data: UserUpdate,
) -> User:
    """Apply a partial update. Users change their own name and email; only staff change
    anyone else, and only staff change the flags (403 otherwise)."""
    changes = data.model_dump(exclude_unset=True)
    if not principal.is_staff and (
        user.uuid != principal.uuid or any(flag in changes for flag in TOKEN_FLAGS)
    ):
        raise PermissionDenied
    for name, value in changes.items():
        if value is None:
            raise ValidationFailed.field(name, "This field may not be null.")
        setattr(user, name, value)
    await session.flush()
    await session.refresh(user)
    if any(flag in changes for flag in TOKEN_FLAGS):
        await revoke_user_tokens(redis, settings, user.uuid)
    await record_change(
        session,
        Actor.of(principal),
        "user.updated.v1",
        f"User {user.username} was updated by {principal.username}.",
        resource_type="user",
        resource_uuid=user.uuid,
        resource_name=user.username,
        data={**_public(user), "changed": sorted(changes)},
    )
    return user


async def change_password(
    session: AsyncSession, principal: Principal, user: User, password: str
) -> None:
    """Set a new password: users their own, staff anyone's (403 otherwise)."""
    if not principal.is_staff and user.uuid != principal.uuid:
        raise PermissionDenied
    user.password_hash = hash_password(password)
    await session.flush()
    await record_change(
        session,
        Actor.of(principal),
        "user.password_changed.v1",
        f"Password of {user.username} was changed by {principal.username}.",
        resource_type="user",
        resource_uuid=user.uuid,
        resource_name=user.username,
        publish_event=False,
    )


async def deactivate_user(
    session: AsyncSession, redis: Redis, settings: Settings, principal: Principal, user: User
) -> User:
    """Deactivate `user` (staff only) and revoke every token they hold."""
    ensure_staff(principal)
    user.is_active = False
    await session.flush()
    await session.refresh(user)
    await revoke_user_tokens(redis, settings, user.uuid)
    await record_change(
        session,
        Actor.of(principal),
        "user.deactivated.v1",
        f"User {user.username} was deactivated by {principal.username}.",
        resource_type="user",
        resource_uuid=user.uuid,
        resource_name=user.username,
        data=_public(user),
    )
    return user
