"""What `/api/openstack-subnets/` reads and writes (the reference API's shapes)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_network.resources.schemas import ResourceRead

__all__ = [
    "SubnetAllocationPool",
    "SubnetCreate",
    "SubnetRead",
    "SubnetStaticRoute",
    "SubnetUpdate",
]


class SubnetAllocationPool(BaseModel):
    start: str
    end: str


class SubnetStaticRoute(BaseModel):
    destination: str
    nexthop: str


class SubnetUpdate(BaseModel):
    """What a PATCH may change (the CIDR is fixed once made)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None
    gateway_ip: str | None = None
    disable_gateway: bool | None = None
    enable_dhcp: bool | None = None
    allocation_pools: list[SubnetAllocationPool] | None = None
    dns_nameservers: list[str] | None = None
    host_routes: list[SubnetStaticRoute] | None = None


class SubnetCreate(BaseModel):
    """A new subnet of a network (`network`: its uuid or URL)."""

    model_config = ConfigDict(extra="forbid")

    network: str
    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    cidr: str
    gateway_ip: str | None = None
    disable_gateway: bool = False
    enable_dhcp: bool = True
    allocation_pools: list[SubnetAllocationPool] = []
    dns_nameservers: list[str] = []
    host_routes: list[SubnetStaticRoute] = []


class SubnetRead(ResourceRead):
    network: str
    network_uuid: UUID
    network_name: str
    cidr: str
    ip_version: int
    gateway_ip: str | None
    disable_gateway: bool
    enable_dhcp: bool
    allocation_pools: list[SubnetAllocationPool]
    dns_nameservers: list[str]
    host_routes: list[SubnetStaticRoute]
    is_connected: bool
    router_uuid: UUID | None
