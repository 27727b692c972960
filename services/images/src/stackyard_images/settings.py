"""Settings of the images service, read from `STACKYARD_IMAGES__*` variables.

STACKYARD_IMAGES__IMAGE_COUNT_TOTAL_LIMIT   images per tenant when its offering sets none
STACKYARD_IMAGES__IMAGE_SIZE_TOTAL_LIMIT    bytes per tenant when its offering sets none
STACKYARD_IMAGES__UPLOAD_CHUNK_SIZE         bytes handed to Glance at a time (default 1 MiB)
STACKYARD_IMAGES__VERIFY_TIMEOUT            seconds to wait for Glance to show the upload active
STACKYARD_IMAGES__VERIFY_SHA512             also hash SHA-512 on the way and compare it with
                                            Glance's `os_hash_value` (default true)
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ImagesSettings", "images_settings"]


class ImagesSettings(BaseSettings):
    """How the images service behaves.

    The limits here are the fallback for tenants whose offering sets none (or that this
    service never heard the offering of); a negative value or none means unlimited, as
    in the offering's `plugin_options`.
    """

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_IMAGES__", env_nested_delimiter="__", extra="ignore"
    )

    image_count_total_limit: int | None = None
    image_size_total_limit: int | None = None
    # 1 MiB: a quarter as many hashing hand-offs and HTTP writes as 256 KiB (about 12%
    # more throughput on two cores); one chunk in flight keeps memory flat all the same.
    upload_chunk_size: int = Field(default=1024 * 1024, ge=8 * 1024, le=4 * 1024 * 1024)
    verify_timeout: float = Field(default=60.0, gt=0)
    verify_sha512: bool = Field(
        default=True,
        description="SHA-512 costs about as much CPU as the rest of the upload path; MD5 "
        "(Glance's `checksum`) and the size are always verified.",
    )


@lru_cache(maxsize=1)
def images_settings() -> ImagesSettings:
    """The process's images settings, read once from the environment."""
    return ImagesSettings()
