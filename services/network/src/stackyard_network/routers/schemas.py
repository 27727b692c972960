"""What `/api/openstack-routers/` reads and writes (the reference API's shapes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stackyard_network.resources.schemas import ResourceRead
from stackyard_network.subnets.schemas import SubnetStaticRoute

__all__ = [
    "RouterCreate",
    "RouterInterfaceRequest",
    "RouterRead",
    "RouterSetGatewayRequest",
    "RouterSetRoutesRequest",
]


class RouterCreate(BaseModel):
    """A new router in a tenant (`tenant`: its uuid or URL)."""

    model_config = ConfigDict(extra="forbid")

    tenant: str
    name: str = Field(min_length=1, max_length=255)
    description: str = ""


class RouterInterfaceRequest(BaseModel):
    """The subnet (uuid or URL) to connect or disconnect."""

    model_config = ConfigDict(extra="forbid")

    subnet: str


class RouterSetGatewayRequest(BaseModel):
    """The external network (Neutron id) of the gateway; the tenant's by default."""

    model_config = ConfigDict(extra="forbid")

    external_network_id: str | None = None
    enable_snat: bool | None = None


class RouterSetRoutesRequest(BaseModel):
    """The router's static routes, replacing the old ones."""

    model_config = ConfigDict(extra="forbid")

    routes: list[SubnetStaticRoute]


class RouterRead(ResourceRead):
    external_network_id: str
    has_external_gateway: bool
    external_fixed_ips: list[dict[str, Any]]
    routes: list[SubnetStaticRoute]
    fixed_ips: list[dict[str, Any]]
    interfaces: list[dict[str, Any]]
