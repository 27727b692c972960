"""Compute's settings, read from the `STACKYARD_OPENSTACK__*` variables the OpenStack
plugin shares across services.

    STACKYARD_OPENSTACK__MAX_CONCURRENT_PROVISION   JSON object: creations in flight per
                                                    resource type and cloud, across workers
                                                    (default 4 each)
    STACKYARD_OPENSTACK__REQUIRE_AVAILABILITY_ZONE  a new instance must name its zone
    STACKYARD_OPENSTACK__ALLOW_CUSTOMER_USERS_OPENSTACK_CONSOLE_ACCESS
                                                    organisation and project users may open
                                                    consoles (staff always may); default true
    STACKYARD_OPENSTACK__INSTANCE_ACTIVE_TIMEOUT    seconds a new server has to turn ACTIVE
    STACKYARD_OPENSTACK__PORTS_VIA                  `network` (network's internal API makes
                                                    the instances' ports and floating IPs)
                                                    or `cloud` (compute makes them itself)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["INSTANCE", "ComputeSettings", "compute_settings"]

INSTANCE = "OpenStack.Instance"


class ComputeSettings(BaseSettings):
    """How compute behaves."""

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_OPENSTACK__", env_nested_delimiter="__", extra="ignore"
    )

    max_concurrent_provision: dict[str, int] = Field(
        default_factory=lambda: {INSTANCE: 4, "OpenStack.Volume": 4, "OpenStack.Snapshot": 4}
    )
    require_availability_zone: bool = False
    allow_customer_users_openstack_console_access: bool = True
    instance_active_timeout: float = Field(default=600.0, gt=0)
    provision_slot_lease: float = Field(default=900.0, gt=0)
    ports_via: Literal["cloud", "network"] = "network"

    def provision_limit(self, resource_type: str) -> int:
        """Creations of `resource_type` one cloud may run at once (4 unless configured)."""
        return max(1, int(self.max_concurrent_provision.get(resource_type, 4)))


@lru_cache(maxsize=1)
def compute_settings() -> ComputeSettings:
    """The process's compute settings, read once from the environment."""
    return ComputeSettings()
