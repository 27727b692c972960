"""The first staff user, made when the platform starts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from stackyard_common.db import Database
from stackyard_common.settings import Settings
from stackyard_identity.models import User
from stackyard_identity.passwords import hash_password, verify_password

__all__ = ["AdminResult", "ensure_staff_user"]


@dataclass(frozen=True, slots=True)
class AdminResult:
    username: str
    created: bool
    password_updated: bool


async def ensure_staff_user(settings: Settings, username: str, password: str) -> AdminResult:
    """Make sure an active staff user `username` exists and signs in with `password`.

    Idempotent: an existing user is made staff and active, and its password replaced only
    when it no longer matches.
    """
    database = Database(settings, "identity")
    try:
        async with database.session() as session:
            user = (
                await session.execute(select(User).where(User.username == username))
            ).scalar_one_or_none()
            if user is None:
                session.add(
                    User(
                        username=username,
                        password_hash=hash_password(password),
                        is_staff=True,
                        is_active=True,
                    )
                )
                return AdminResult(username, created=True, password_updated=True)
            user.is_staff = True
            user.is_active = True
            updated = not verify_password(user.password_hash, password)
            if updated:
                user.password_hash = hash_password(password)
            return AdminResult(username, created=False, password_updated=updated)
    finally:
        await database.dispose()
