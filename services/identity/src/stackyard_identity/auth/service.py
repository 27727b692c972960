"""Signing in and out.

Every failed login costs the same whether the user exists or not (a password hash is
verified either way), answers the same 401, and counts towards the throttle.
"""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotAuthenticated
from stackyard_common.auth import IssuedToken, Principal, issue_token, revoke_token
from stackyard_common.db import Database
from stackyard_common.settings import Settings
from stackyard_identity.audit.recording import SYSTEM, Actor, record_change
from stackyard_identity.auth.throttle import LoginThrottle
from stackyard_identity.keys import IdentityKeys
from stackyard_identity.passwords import hash_password, needs_rehash, verify_password
from stackyard_identity.users import repository

__all__ = ["log_in", "log_out"]

INVALID_CREDENTIALS = "Invalid username or password."

# Verified against when no user matches, so that a miss takes as long as a wrong password.
_DUMMY_HASH = hash_password("stackyard: no such user")


async def log_in(
    session: AsyncSession,
    database: Database,
    redis: Redis,
    settings: Settings,
    keys: IdentityKeys,
    username: str,
    password: str,
    address: str,
) -> IssuedToken:
    """A token for `username` if `password` is theirs and they are active.

    Raises `TooManyAttempts` (429) while throttled, `NotAuthenticated` (401) otherwise.
    """
    throttle = LoginThrottle(redis, settings)
    await throttle.check(username, address)
    user = await repository.by_username(session, username)
    matches = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not matches or not user.is_active:
        await throttle.failed(username, address)
        # The request's transaction rolls back with the 401: record it in its own.
        async with database.session() as own:
            await record_change(
                own,
                SYSTEM,
                "auth.login_failed.v1",
                "A login failed.",
                resource_type="user",
                resource_uuid=user.uuid if user else None,
                resource_name=user.username if user else "",
                data={"address": address},
                result="failed",
                publish_event=False,
            )
        raise NotAuthenticated(INVALID_CREDENTIALS)
    await throttle.succeeded(username)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    issued = issue_token(
        keys.signing,
        settings,
        user=user.uuid,
        username=user.username,
        is_staff=user.is_staff,
        is_support=user.is_support,
    )
    await record_change(
        session,
        Actor(user.uuid, user.username),
        "auth.logged_in.v1",
        f"User {user.username} logged in.",
        resource_type="user",
        resource_uuid=user.uuid,
        resource_name=user.username,
        data={"address": address, "token_id": issued.jti},
        publish_event=False,
    )
    return issued


async def log_out(
    session: AsyncSession, redis: Redis, settings: Settings, principal: Principal
) -> None:
    """Revoke the token the caller used, in every service, until it would expire."""
    await revoke_token(redis, settings, principal.token_id, principal.expires_at)
    await record_change(
        session,
        Actor.of(principal),
        "auth.logged_out.v1",
        f"User {principal.username} logged out.",
        resource_type="user",
        resource_uuid=principal.uuid,
        resource_name=principal.username,
        data={"token_id": principal.token_id},
        publish_event=False,
    )
