"""What `/api/openstack-sgp/` reads and writes (the reference API's shapes)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_network.resources.schemas import ResourceRead

__all__ = [
    "SecurityGroupCreate",
    "SecurityGroupRead",
    "SecurityGroupRuleCreate",
    "SecurityGroupRuleRead",
    "SecurityGroupUpdate",
]


class SecurityGroupRuleCreate(BaseModel):
    """One rule: a protocol (`tcp`, `udp`, `icmp`, empty for any, or an IANA number),
    a port range (ICMP: type and code), a direction and ethertype, and where the traffic
    comes from or goes to: a CIDR or a remote group of the same tenant (uuid or URL)."""

    model_config = ConfigDict(extra="forbid")

    ethertype: Literal["IPv4", "IPv6"] = "IPv4"
    direction: Literal["ingress", "egress"] = "ingress"
    protocol: str = ""
    from_port: int | None = None
    to_port: int | None = None
    cidr: str | None = None
    remote_group: str | None = None
    description: str = ""


class SecurityGroupCreate(BaseModel):
    """A new security group in a tenant, with its rules."""

    model_config = ConfigDict(extra="forbid")

    tenant: str
    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    rules: list[SecurityGroupRuleCreate] = []


class SecurityGroupUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None


class SecurityGroupRuleRead(BaseModel):
    id: int
    backend_id: str
    ethertype: str
    direction: str
    protocol: str
    from_port: int | None
    to_port: int | None
    cidr: str | None
    remote_group: str | None
    remote_group_uuid: UUID | None
    remote_group_name: str | None
    description: str


class SecurityGroupRead(ResourceRead):
    rules: list[SecurityGroupRuleRead]
