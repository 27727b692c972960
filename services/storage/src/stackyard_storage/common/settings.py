"""Storage's settings, read from the `STACKYARD_OPENSTACK__*` variables the OpenStack
plugin shares across services.

    STACKYARD_OPENSTACK__REQUIRE_AVAILABILITY_ZONE   a new volume must name its zone
"""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["StorageSettings", "storage_settings"]


class StorageSettings(BaseSettings):
    """How storage behaves."""

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_OPENSTACK__", env_nested_delimiter="__", extra="ignore"
    )

    require_availability_zone: bool = False


@lru_cache(maxsize=1)
def storage_settings() -> StorageSettings:
    """The process's storage settings, read once from the environment."""
    return StorageSettings()
