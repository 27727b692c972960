"""What `/api/openstack-ports/` reads and writes (the reference API's shapes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_network.resources.schemas import ResourceRead

__all__ = ["PortCreate", "PortFixedIPRequest", "PortRead", "PortUpdate", "reference_of"]


class PortFixedIPRequest(BaseModel):
    """An address in a subnet (`subnet_id`: the subnet's uuid or its Neutron id);
    without `ip_address` the cloud picks one."""

    subnet_id: str
    ip_address: str | None = None


class PortCreate(BaseModel):
    """A new port on a network (uuid or URL), with fixed IPs and security groups
    (each a uuid, a URL, or `{"url": ...}`)."""

    model_config = ConfigDict(extra="forbid")

    network: str
    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    fixed_ips: list[PortFixedIPRequest] = []
    security_groups: list[str | dict[str, str]] | None = None


class PortUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None
    security_groups: list[str | dict[str, str]] | None = None


def reference_of(item: str | dict[str, str]) -> str:
    """The uuid or URL a list entry names."""
    return item if isinstance(item, str) else str(item.get("url") or item.get("uuid") or "")


class PortNestedSecurityGroup(BaseModel):
    uuid: UUID | None
    name: str
    backend_id: str


class PortRead(ResourceRead):
    network: str | None
    network_uuid: UUID | None
    network_name: str
    network_backend_id: str
    fixed_ips: list[dict[str, Any]]
    mac_address: str
    device_id: str
    device_owner: str
    admin_state_up: bool
    port_security_enabled: bool
    security_groups: list[PortNestedSecurityGroup]
    floating_ips: list[str]
    status: str
