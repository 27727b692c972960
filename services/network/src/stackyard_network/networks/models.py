"""Tenant networks (Neutron networks owned by a tenant's project)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "Network"]


class Network(CloudResource, Base):
    """One network of a tenant."""

    __tablename__ = "networks"

    mtu: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_external: Mapped[bool] = mapped_column(Boolean, default=False)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    type: Mapped[str] = mapped_column(String(50), default="")
    segmentation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


def _payload(network: Network) -> dict[str, Any]:
    return {"mtu": network.mtu, "is_external": network.is_external, "shared": network.shared}


KIND = register(Kind("network", "Network", Network, "/api/openstack-networks/", _payload))
