"""What `/api/openstack-networks/` reads and writes (the reference API's shapes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_network.resources.schemas import ResourceRead

__all__ = [
    "NetworkCreate",
    "NetworkNestedRBACPolicy",
    "NetworkNestedSubnet",
    "NetworkRead",
    "NetworkUpdate",
]


class NetworkCreate(BaseModel):
    """A new network in a tenant (`tenant`: its uuid or URL)."""

    model_config = ConfigDict(extra="forbid")

    tenant: str
    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    mtu: int | None = Field(default=None, ge=68, le=9000)


class NetworkUpdate(BaseModel):
    """What a PATCH may change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None
    mtu: int | None = Field(default=None, ge=68, le=9000)


class NetworkNestedSubnet(BaseModel):
    uuid: UUID
    name: str
    description: str
    cidr: str
    gateway_ip: str | None
    allocation_pools: list[dict[str, Any]]
    ip_version: int
    enable_dhcp: bool


class NetworkNestedRBACPolicy(BaseModel):
    uuid: UUID
    backend_id: str
    target_tenant_uuid: UUID
    policy_type: str
    state: str


class NetworkRead(ResourceRead):
    mtu: int | None
    is_external: bool
    shared: bool
    type: str
    segmentation_id: int | None
    subnets: list[NetworkNestedSubnet]
    rbac_policies: list[NetworkNestedRBACPolicy]
