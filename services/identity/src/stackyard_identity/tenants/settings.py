"""Settings of the OpenStack tenants, read from `STACKYARD_OPENSTACK__*` variables.

    STACKYARD_OPENSTACK__DEFAULT_SECURITY_GROUPS   JSON list of groups (see `SecurityGroupSpec`)
    STACKYARD_OPENSTACK__SUBNET__ALLOCATION_POOL_START / __END
                                                   templates over the CIDR's octets
    STACKYARD_OPENSTACK__TENANT_CREDENTIALS_VISIBLE  show tenant credentials to project users
    STACKYARD_OPENSTACK__MAX_CONCURRENCY           cloud calls in flight per cloud and process
    STACKYARD_OPENSTACK__SAGA_CONCURRENCY          tenant sagas one worker drives at once
    STACKYARD_OPENSTACK__STUCK_DELETING_AFTER      seconds a tenant may stay deleting (24 h)
    STACKYARD_OPENSTACK__STUCK_UPDATING_AFTER      seconds a tenant may stay updating (1 h)

Defaults are the specification's: SSH, ping, RDP and web groups; an allocation pool from
`.10` to `.200`; credentials hidden; a tenant deleting for a day, or updating for an hour,
with no saga working on it, is marked ERRED by the scheduled tasks.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "DEFAULT_SECURITY_GROUPS",
    "OpenStackSettings",
    "RuleSpec",
    "SecurityGroupSpec",
    "SubnetSettings",
    "openstack_settings",
]


class RuleSpec(BaseModel):
    """One security group rule, in the reference API's shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    direction: Literal["ingress", "egress"] = "ingress"
    ethertype: Literal["IPv4", "IPv6"] = "IPv4"
    protocol: Literal["tcp", "udp", "icmp"] | None = "tcp"
    from_port: int | None = Field(default=None, ge=-1, le=65535)
    to_port: int | None = Field(default=None, ge=-1, le=65535)
    cidr: str | None = "0.0.0.0/0"
    description: str = ""

    @property
    def port_range(self) -> tuple[int | None, int | None]:
        """Neutron's `port_range_min`/`_max`: none for "any" (-1) and for ICMP's any type."""
        low = None if self.from_port in (None, -1) else self.from_port
        high = None if self.to_port in (None, -1) else self.to_port
        return low, high


class SecurityGroupSpec(BaseModel):
    """A security group made in every new tenant, with its rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    rules: list[RuleSpec] = Field(default_factory=list)


def _tcp(port: int) -> RuleSpec:
    return RuleSpec(protocol="tcp", from_port=port, to_port=port)


DEFAULT_SECURITY_GROUPS: list[SecurityGroupSpec] = [
    SecurityGroupSpec(name="ssh", description="Secure shell access", rules=[_tcp(22)]),
    SecurityGroupSpec(
        name="ping", description="Ping", rules=[RuleSpec(protocol="icmp", from_port=-1)]
    ),
    SecurityGroupSpec(name="rdp", description="Remote desktop access", rules=[_tcp(3389)]),
    SecurityGroupSpec(name="web", description="HTTP and HTTPS access", rules=[_tcp(80), _tcp(443)]),
]


class SubnetSettings(BaseModel):
    """The allocation pool of a tenant's internal subnet, as templates over the octets
    of the subnet's network address (`{first_octet}` ... `{fourth_octet}`)."""

    allocation_pool_start: str = "{first_octet}.{second_octet}.{third_octet}.10"
    allocation_pool_end: str = "{first_octet}.{second_octet}.{third_octet}.200"


class OpenStackSettings(BaseSettings):
    """What a tenant is made of, and how hard the platform may push a cloud."""

    model_config = SettingsConfigDict(
        env_prefix="STACKYARD_OPENSTACK__", env_nested_delimiter="__", extra="ignore"
    )

    default_security_groups: list[SecurityGroupSpec] = Field(
        default_factory=lambda: list(DEFAULT_SECURITY_GROUPS)
    )
    subnet: SubnetSettings = SubnetSettings()
    tenant_credentials_visible: bool = False
    max_concurrency: int = Field(default=32, ge=1, description="Calls in flight per cloud.")
    saga_concurrency: int = Field(default=64, ge=1, description="Tenant sagas per worker.")
    external_networks_cache_seconds: float = Field(default=60.0, ge=0)
    stuck_deleting_after: int = Field(
        default=24 * 3600, ge=60, description="Seconds deleting before ERRED."
    )
    stuck_updating_after: int = Field(
        default=3600, ge=60, description="Seconds updating before ERRED."
    )


@lru_cache(maxsize=1)
def openstack_settings() -> OpenStackSettings:
    """The process's OpenStack settings, read once from the environment."""
    return OpenStackSettings()
