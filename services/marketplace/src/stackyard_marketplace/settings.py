"""Settings of the marketplace, read from `STACKYARD_MARKETPLACE__*` variables.

STACKYARD_MARKETPLACE__AUTOMATICALLY_CREATE_PRIVATE_OFFERING   default true
STACKYARD_MARKETPLACE__IDENTITY_TIMEOUT                        seconds per internal call
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MarketplaceSettings", "marketplace_settings"]


class MarketplaceSettings(BaseSettings):
    """How the marketplace behaves."""

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_MARKETPLACE__", env_nested_delimiter="__", extra="ignore"
    )

    automatically_create_private_offering: bool = Field(
        default=True,
        description="Give every tenant that turns OK private instance and volume offerings.",
    )
    identity_timeout: float = Field(default=10.0, gt=0)


@lru_cache(maxsize=1)
def marketplace_settings() -> MarketplaceSettings:
    """The process's marketplace settings, read once from the environment."""
    return MarketplaceSettings()
