"""What a tenant is asked for with: the reference API's `OpenStackTenantCreateOrderAttributes`
(plus `external_network_id`), validated once for the marketplace order and for staff's
direct `POST /api/openstack-tenants/`.

Everything here is checked without the cloud: a private IPv4 CIDR whose allocation pool
(from the `SUBNET` setting) fits inside it, names and flags. Whether the external network
exists is `external_networks`' business.
"""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stackyard_common.api import ValidationFailed
from stackyard_identity.tenants.settings import SecurityGroupSpec, SubnetSettings

__all__ = ["DEFAULT_CIDR", "PRIVATE_RANGES", "SubnetPlan", "TenantAttributes", "plan_subnet"]

DEFAULT_CIDR = "192.168.42.0/24"
PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
NAME_PATTERN = r"^[\w][\w .@+-]*$"


class TenantAttributes(BaseModel):
    """A new tenant's name and the shape of its default network."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=55, pattern=NAME_PATTERN)
    description: str = Field(default="", max_length=1000)
    subnet_cidr: str = DEFAULT_CIDR
    external_network_id: str | None = Field(
        default=None,
        max_length=255,
        description="The tenant's own choice; else the organisation's, else the offering's.",
    )
    skip_connection_extnet: bool = False
    skip_creation_of_default_router: bool = False
    skip_creation_of_default_subnet: bool = False
    availability_zone: str = Field(default="", max_length=200)
    security_groups: list[SecurityGroupSpec] | None = Field(
        default=None, description="Instead of the platform's default security groups."
    )

    @field_validator("subnet_cidr")
    @classmethod
    def _private_cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value.strip(), strict=True)
        except ValueError as error:
            raise ValueError(f"Enter a valid IPv4 network address: {error}.") from None
        if not any(network.subnet_of(private) for private in PRIVATE_RANGES):
            raise ValueError(
                "The CIDR must lie in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)."
            )
        return str(network)


class SubnetPlan(BaseModel):
    """The internal subnet a tenant gets: its CIDR, gateway and allocation pool."""

    cidr: str
    gateway_ip: str
    pool_start: str
    pool_end: str


def plan_subnet(cidr: str, settings: SubnetSettings) -> SubnetPlan:
    """The subnet for `cidr` with the configured pool; `ValidationFailed` on
    `subnet_cidr` when the pool does not fit inside it (beside the gateway)."""
    network = ipaddress.IPv4Network(cidr)
    octets = str(network.network_address).split(".")
    names = ("first_octet", "second_octet", "third_octet", "fourth_octet")
    values = dict(zip(names, octets, strict=True))
    gateway = network.network_address + 1
    try:
        start = ipaddress.IPv4Address(settings.allocation_pool_start.format(**values))
        end = ipaddress.IPv4Address(settings.allocation_pool_end.format(**values))
    except (KeyError, ValueError) as error:
        raise ValidationFailed.field("subnet_cidr", f"Invalid SUBNET setting: {error}.") from None
    usable = (network.network_address, network.broadcast_address, gateway)
    if not (start in network and end in network and start <= end) or start <= gateway:
        raise ValidationFailed.field(
            "subnet_cidr",
            f"The allocation pool {start}-{end} does not fit in {network}; use a larger network.",
        )
    if end in usable:
        raise ValidationFailed.field("subnet_cidr", f"{end} cannot be allocated in {network}.")
    return SubnetPlan(
        cidr=str(network), gateway_ip=str(gateway), pool_start=str(start), pool_end=str(end)
    )
