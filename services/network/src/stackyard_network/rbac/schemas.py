"""What `/api/openstack-network-rbac-policies/` reads and writes."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from stackyard_network.resources.schemas import ResourceRead

__all__ = ["RBACPolicyCreate", "RBACPolicyRead"]


class RBACPolicyCreate(BaseModel):
    """Share `network` (uuid or URL) with `target_tenant` (uuid or URL)."""

    model_config = ConfigDict(extra="forbid")

    network: str
    target_tenant: str
    policy_type: Literal["access_as_shared", "access_as_external"] = "access_as_shared"


class RBACPolicyRead(ResourceRead):
    network: str
    network_uuid: UUID
    network_name: str
    source_tenant_uuid: UUID
    source_tenant_name: str
    target_tenant: str
    target_tenant_uuid: UUID
    target_tenant_name: str
    policy_type: str
