"""Nova servers the platform made in tenants, with what was made for them.

`plan` is the creation request as checked and resolved (flavor, image, volumes, ports,
security groups, floating IPs, key, zone, group): the provisioning saga works from it.
`volumes`, `ports` and `floating_ips` list what was made for the instance, as made
(`[{"uuid", "role"}]`, `[{"backend_id", "network_id", "subnet_id", "fixed_ips",
"mac_address"}]`, `[{"backend_id", "address", "port_id", "allocated"}]`). `action` and
`action_details` say what the instance waits for, if anything. `server_metadata` is
the server's Nova metadata as last pulled (column and API field `metadata`);
`backend_missing_since` says since when a pull has found the server gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Integer, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.resources.pulls import MissingMark
from stackyard_common.resources.records import ResourceColumns
from stackyard_compute.models import Base

__all__ = ["Instance"]


class Instance(ResourceColumns, MissingMark, Base):
    """One instance; `ram` and `disk` in MiB."""

    __tablename__ = "instances"

    flavor_backend_id: Mapped[str] = mapped_column(String(255), default="")
    flavor_name: Mapped[str] = mapped_column(String(255), default="")
    cores: Mapped[int] = mapped_column(Integer, default=0)
    ram: Mapped[int] = mapped_column(Integer, default=0)
    disk: Mapped[int] = mapped_column(Integer, default=0)
    image_backend_id: Mapped[str] = mapped_column(String(255), default="")
    image_name: Mapped[str] = mapped_column(String(255), default="")
    availability_zone: Mapped[str] = mapped_column(String(255), default="")
    key_name: Mapped[str] = mapped_column(String(255), default="")
    user_data: Mapped[str] = mapped_column(Text, default="")
    server_group_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    security_groups: Mapped[list[str]] = mapped_column(JSONB, default=list)
    volumes: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    ports: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    floating_ips: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    plan: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    action: Mapped[str] = mapped_column(String(60), default="")
    action_details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    marketplace_resource_uuid: Mapped[UUID | None] = mapped_column(Uuid, unique=True)
    marketplace_offering_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    # `metadata` is the declarative base's own attribute: the column keeps the name.
    server_metadata: Mapped[dict[str, str]] = mapped_column("metadata", JSONB, default=dict)
