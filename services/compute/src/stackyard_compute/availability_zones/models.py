"""Nova availability zones of each tenant's cloud (from `tenant.properties_pulled.v1`)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Boolean, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_compute.models import Base

__all__ = ["InstanceAvailabilityZone"]


class InstanceAvailabilityZone(Base):
    """A compute zone instances of the tenant may be placed in."""

    __tablename__ = "instance_availability_zones"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    service_settings_uuid: Mapped[UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(255))
    available: Mapped[bool] = mapped_column(Boolean, default=True)
