"""RBAC policies: a tenant's network shared with another tenant."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "RBACPolicy"]


class RBACPolicy(CloudResource, Base):
    """One policy; `tenant_uuid` is the network's (source) tenant."""

    __tablename__ = "network_rbac_policies"

    network_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("networks.uuid", ondelete="CASCADE"), index=True
    )
    target_tenant_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    policy_type: Mapped[str] = mapped_column(String(30), default="access_as_shared")


def _payload(record: RBACPolicy) -> dict[str, Any]:
    return {
        "network_uuid": str(record.network_uuid),
        "target_tenant_uuid": str(record.target_tenant_uuid),
        "policy_type": record.policy_type,
    }


KIND = register(
    Kind(
        "rbac_policy", "RBAC policy", RBACPolicy, "/api/openstack-network-rbac-policies/", _payload
    )
)
