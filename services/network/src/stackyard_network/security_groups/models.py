"""Security groups and their rules."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_network.models import Base
from stackyard_network.resources.kinds import Kind, register
from stackyard_network.resources.models import CloudResource

__all__ = ["KIND", "SecurityGroup", "SecurityGroupRule"]


class SecurityGroup(CloudResource, Base):
    """One security group of a tenant."""

    __tablename__ = "security_groups"


class SecurityGroupRule(Base):
    """One rule. `id` is the platform's (the reference API's integer rule id);
    `backend_id` is empty until the cloud made the rule. A rule refers to a remote
    group of the same tenant (`remote_group_uuid`) or a CIDR, never both."""

    __tablename__ = "security_group_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    security_group_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("security_groups.uuid", ondelete="CASCADE"), index=True
    )
    backend_id: Mapped[str] = mapped_column(String(255), default="")
    direction: Mapped[str] = mapped_column(String(10), default="ingress")
    ethertype: Mapped[str] = mapped_column(String(10), default="IPv4")
    protocol: Mapped[str] = mapped_column(String(20), default="")
    from_port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    to_port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cidr: Mapped[str | None] = mapped_column(String(64), nullable=True)
    remote_group_uuid: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("security_groups.uuid", ondelete="CASCADE"), nullable=True
    )
    remote_group_backend_id: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")


def _payload(record: SecurityGroup) -> dict[str, Any]:
    return {}


KIND = register(
    Kind("security_group", "Security group", SecurityGroup, "/api/openstack-sgp/", _payload)
)
