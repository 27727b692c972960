"""What `/api/openstack-external-networks/` reads (the reference API's shapes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

__all__ = ["ExternalNetworkRead", "ExternalSubnetPublicRange", "ExternalSubnetRead"]


class ExternalSubnetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    uuid: UUID
    name: str
    description: str
    backend_id: str
    cidr: str
    ip_version: int
    enable_dhcp: bool
    gateway_ip: str | None
    allocation_pools: list[dict[str, Any]]
    dns_nameservers: list[str]
    public_ip_range: str


class ExternalNetworkRead(BaseModel):
    uuid: UUID
    url: str
    name: str
    description: str
    backend_id: str
    status: str
    is_shared: bool
    is_default: bool
    settings_uuid: UUID
    subnets: list[ExternalSubnetRead]


class ExternalSubnetPublicRange(BaseModel):
    """The publicly routable CIDR behind a subnet's floating IPs (empty: none)."""

    model_config = ConfigDict(extra="forbid")

    public_ip_range: str
