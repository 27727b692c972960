"""What `/api/openstack-floating-ips/` reads and writes (the reference API's shapes)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict

from stackyard_network.resources.schemas import ResourceRead

__all__ = ["FloatingIPAssignRequest", "FloatingIPCreate", "FloatingIPRead"]


class FloatingIPCreate(BaseModel):
    """A floating IP to allocate for a tenant, from its external network."""

    model_config = ConfigDict(extra="forbid")

    tenant: str
    description: str = ""


class FloatingIPAssignRequest(BaseModel):
    """The port (uuid or URL) to point the floating IP at."""

    model_config = ConfigDict(extra="forbid")

    port: str


class FloatingIPRead(ResourceRead):
    address: str | None
    external_address: str | None
    backend_network_id: str
    port: str | None
    port_uuid: UUID | None
    port_fixed_ips: list[dict[str, str]]
    fixed_ip_address: str | None
    device_id: str
