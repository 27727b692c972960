"""External networks of each cloud (`router:external`), and their subnets.

They belong to a cloud connection, not to a tenant: they are read from the cloud with
the connection's admin credentials. `public_ip_range` maps a subnet's floating IPs to
the publicly routable range behind a carrier-grade NAT.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base

__all__ = ["ExternalNetwork", "ExternalSubnet"]


class ExternalNetwork(Base):
    """One external network of one cloud connection."""

    __tablename__ = "external_networks"
    __table_args__ = (
        UniqueConstraint(
            "cloud_connection_uuid", "backend_id", name="uq_external_networks_cloud_backend"
        ),
    )

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cloud_connection_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    backend_id: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(50), default="")
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ExternalSubnet(Base):
    """One subnet of an external network."""

    __tablename__ = "external_subnets"
    __table_args__ = (
        UniqueConstraint("network_uuid", "backend_id", name="uq_external_subnets_network_backend"),
    )

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    network_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("external_networks.uuid", ondelete="CASCADE"), index=True
    )
    backend_id: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    cidr: Mapped[str] = mapped_column(String(64))
    ip_version: Mapped[int] = mapped_column(Integer, default=4)
    enable_dhcp: Mapped[bool] = mapped_column(Boolean, default=False)
    gateway_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    allocation_pools: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    dns_nameservers: Mapped[list[str]] = mapped_column(JSONB, default=list)
    public_ip_range: Mapped[str] = mapped_column(String(64), default="")
