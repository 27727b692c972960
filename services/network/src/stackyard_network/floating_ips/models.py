"""Floating IPs allocated on external networks for tenants."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "FloatingIP"]


class FloatingIP(CloudResource, Base):
    """One floating IP; `port_uuid` is the port it points at, if any."""

    __tablename__ = "floating_ips"

    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    backend_network_id: Mapped[str] = mapped_column(String(255), default="")
    port_uuid: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ports.uuid", ondelete="SET NULL"), nullable=True, index=True
    )
    port_backend_id: Mapped[str] = mapped_column(String(255), default="")
    fixed_ip_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    device_id: Mapped[str] = mapped_column(String(255), default="")


def _payload(record: FloatingIP) -> dict[str, Any]:
    return {
        "address": record.address,
        "backend_network_id": record.backend_network_id,
        "port_uuid": str(record.port_uuid) if record.port_uuid else None,
        "port_backend_id": record.port_backend_id,
        "fixed_ip_address": record.fixed_ip_address,
        "device_id": record.device_id,
    }


KIND = register(
    Kind("floating_ip", "Floating IP", FloatingIP, "/api/openstack-floating-ips/", _payload)
)
