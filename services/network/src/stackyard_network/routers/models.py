"""Tenant routers: their interfaces, external gateway and static routes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "Router"]


class Router(CloudResource, Base):
    """One router. `interfaces` are `{subnet_id, port_id, ip_address}` (Neutron ids)."""

    __tablename__ = "routers"

    external_network_id: Mapped[str] = mapped_column(String(255), default="")
    external_fixed_ips: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    routes: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    interfaces: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


def _payload(record: Router) -> dict[str, Any]:
    return {
        "external_network_id": record.external_network_id,
        "routes": record.routes,
        "interfaces": record.interfaces,
    }


KIND = register(Kind("router", "Router", Router, "/api/openstack-routers/", _payload))
