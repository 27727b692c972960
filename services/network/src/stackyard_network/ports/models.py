"""Ports: of users, of routers, and of instances (made for compute)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.resources.pulls import RevisionMark
from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "Port"]


class Port(CloudResource, RevisionMark, Base):
    """One port. `fixed_ips` are `{ip_address, subnet_id}` (Neutron subnet ids);
    `security_group_ids` the Neutron ids of its groups. `network_uuid` is null for a
    port on a network this service keeps no record of."""

    __tablename__ = "ports"

    network_uuid: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("networks.uuid", ondelete="CASCADE"), index=True, nullable=True
    )
    network_backend_id: Mapped[str] = mapped_column(String(255), default="")
    fixed_ips: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    mac_address: Mapped[str] = mapped_column(String(64), default="")
    device_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    device_owner: Mapped[str] = mapped_column(String(255), default="")
    security_group_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    port_security_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    admin_state_up: Mapped[bool] = mapped_column(Boolean, default=True)


def _payload(record: Port) -> dict[str, Any]:
    return {
        "network_uuid": str(record.network_uuid) if record.network_uuid else None,
        "network_backend_id": record.network_backend_id,
        "fixed_ips": record.fixed_ips,
        "mac_address": record.mac_address,
        "device_id": record.device_id,
        "device_owner": record.device_owner,
        "security_group_ids": record.security_group_ids,
    }


KIND = register(Kind("port", "Port", Port, "/api/openstack-ports/", _payload))
