"""Bodies of the internal API compute calls (see `stackyard_network.internal`)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict

__all__ = [
    "InternalFloatingIP",
    "InternalFloatingIPRequest",
    "InternalPort",
    "InternalPortRequest",
    "SecurityGroupsRequest",
]


class InternalPortRequest(BaseModel):
    """A port for an instance; `uuid` is chosen by the caller and makes the call
    idempotent. The subnet (or network) defaults to the tenant's internal subnet, the
    groups to the tenant's `default` group."""

    model_config = ConfigDict(extra="forbid")

    uuid: UUID
    tenant_uuid: UUID
    subnet_uuid: UUID | None = None
    network_uuid: UUID | None = None
    fixed_ip: str | None = None
    security_group_uuids: list[UUID] | None = None
    name: str = ""
    description: str = ""


class InternalFixedIP(BaseModel):
    ip_address: str
    subnet_id: str


class InternalPort(BaseModel):
    uuid: UUID
    backend_id: str
    network_backend_id: str
    subnet_backend_id: str
    fixed_ips: list[InternalFixedIP]
    mac_address: str
    state: str


class SecurityGroupsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    security_group_uuids: list[UUID]


class InternalFloatingIPRequest(BaseModel):
    """A floating IP for an instance's port: `floating_ip_uuid` names an existing one of
    the tenant to assign; without it one is allocated under `uuid`."""

    model_config = ConfigDict(extra="forbid")

    uuid: UUID
    tenant_uuid: UUID
    port_uuid: UUID
    floating_ip_uuid: UUID | None = None


class InternalFloatingIP(BaseModel):
    uuid: UUID
    backend_id: str
    address: str | None
    external_address: str | None
    port_uuid: UUID | None
