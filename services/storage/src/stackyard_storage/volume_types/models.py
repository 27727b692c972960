"""Volume types and volume availability zones the cloud offers each tenant: a
projection of identity's `tenant.properties_pulled.v1` (types) and of storage's own pull
(zones). Their uuids are derived from the tenant and the cloud's id, so a type keeps its
URL across pulls."""

from __future__ import annotations

import uuid
from uuid import UUID

from sqlalchemy import Boolean, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_storage.models import Base

__all__ = ["VolumeAvailabilityZone", "VolumeType", "property_uuid"]

_NAMESPACE = uuid.UUID("6f1d7c52-3b8e-4f0a-9a55-2f7f2d0c9b11")


def property_uuid(tenant: UUID, kind: str, key: str) -> UUID:
    """The stable uuid of a tenant's property (`kind` `volume_type` or `zone`)."""
    return uuid.uuid5(_NAMESPACE, f"{tenant}/{kind}/{key}")


class VolumeType(Base):
    """A Cinder volume type visible to a tenant."""

    __tablename__ = "volume_types"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    service_settings_uuid: Mapped[UUID] = mapped_column(Uuid)
    backend_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")


class VolumeAvailabilityZone(Base):
    """A Cinder availability zone of a tenant's cloud."""

    __tablename__ = "volume_availability_zones"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    service_settings_uuid: Mapped[UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(255))
    available: Mapped[bool] = mapped_column(Boolean, default=True)
