"""Subnets of tenant networks."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "Subnet"]


class Subnet(CloudResource, Base):
    """One subnet: its CIDR, gateway, pools, DNS servers and host routes."""

    __tablename__ = "subnets"

    network_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("networks.uuid", ondelete="CASCADE"), index=True
    )
    cidr: Mapped[str] = mapped_column(String(64))
    ip_version: Mapped[int] = mapped_column(Integer, default=4)
    gateway_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    enable_dhcp: Mapped[bool] = mapped_column(Boolean, default=True)
    allocation_pools: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    dns_nameservers: Mapped[list[str]] = mapped_column(JSONB, default=list)
    host_routes: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


def _payload(record: Subnet) -> dict[str, Any]:
    return {
        "network_uuid": str(record.network_uuid),
        "cidr": record.cidr,
        "gateway_ip": record.gateway_ip,
    }


KIND = register(Kind("subnet", "Subnet", Subnet, "/api/openstack-subnets/", _payload))
