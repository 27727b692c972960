"""Nova server groups the platform made in tenants: placement policies for instances."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.resources.records import ResourceColumns
from stackyard_compute.models import Base

__all__ = ["Policy", "ServerGroup"]


class Policy(StrEnum):
    """Nova's placement policies: same hypervisor (affinity) or different ones."""

    AFFINITY = "affinity"
    ANTI_AFFINITY = "anti-affinity"
    SOFT_AFFINITY = "soft-affinity"
    SOFT_ANTI_AFFINITY = "soft-anti-affinity"


class ServerGroup(ResourceColumns, Base):
    """One server group."""

    __tablename__ = "server_groups"

    policy: Mapped[str] = mapped_column(String(30))
