"""Identity's keys: the token signing key and the key that encrypts cloud credentials.

Configured keys (`STACKYARD_AUTH__SIGNING_KEY`, `STACKYARD_AUTH__ENCRYPTION_KEYS`) are
used as given. Outside production a key left unset is generated once and kept in the
`local_secrets` table, so every identity process of one platform uses the same key and
tokens survive restarts; production refuses to start without them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, Text, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.auth import SigningKey, generate_signing_key_pem
from stackyard_common.crypto import SecretBox, generate_key
from stackyard_common.db import Database
from stackyard_common.settings import Environment, Settings
from stackyard_identity.models import Base

__all__ = ["IdentityKeys", "LocalSecret", "load_keys"]


class LocalSecret(Base):
    """A key generated for a development or test platform (never used in production)."""

    __tablename__ = "local_secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


@dataclass(frozen=True, slots=True)
class IdentityKeys:
    """What identity signs tokens with and encrypts credentials with."""

    signing: SigningKey
    box: SecretBox


async def _local_secret(session: AsyncSession, name: str, generate: Callable[[], str]) -> str:
    # Two processes starting together both try to insert: the first wins, both read it.
    await session.execute(
        insert(LocalSecret).values(name=name, value=generate()).on_conflict_do_nothing()
    )
    found = await session.execute(select(LocalSecret.value).where(LocalSecret.name == name))
    return found.scalar_one()


async def load_keys(settings: Settings, database: Database) -> IdentityKeys:
    """The configured keys, or outside production the platform's generated ones.

    Raises `RuntimeError` in production when a key is not configured.
    """
    auth = settings.auth
    if settings.environment is Environment.PRODUCTION and (
        auth.signing_key is None or auth.encryption_keys is None
    ):
        raise RuntimeError(
            "set STACKYARD_AUTH__SIGNING_KEY and STACKYARD_AUTH__ENCRYPTION_KEYS in production"
        )
    async with database.session() as session:
        signing_pem = (
            auth.signing_key.get_secret_value()
            if auth.signing_key is not None
            else await _local_secret(session, "signing_key", generate_signing_key_pem)
        )
        encryption_keys = (
            auth.encryption_keys.get_secret_value()
            if auth.encryption_keys is not None
            else await _local_secret(session, "encryption_key", generate_key)
        )
    return IdentityKeys(SigningKey.from_pem(signing_pem), SecretBox.from_setting(encryption_keys))
