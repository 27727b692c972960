"""What the cloud offers each tenant to build instances from: flavors and images, a
projection of identity's `tenant.properties_pulled.v1`. Uuids are derived from the tenant
and the cloud's id, so a flavor keeps its URL across pulls."""

from __future__ import annotations

import uuid
from uuid import UUID

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_compute.models import Base

__all__ = ["Flavor", "TenantImage", "property_uuid"]

_NAMESPACE = uuid.UUID("0b6f7a9e-5d0c-4c8e-8f35-3a1b9d2e7c40")


def property_uuid(tenant: UUID, kind: str, key: str) -> UUID:
    """The stable uuid of a tenant's property (`flavor`, `image` or `zone`)."""
    return uuid.uuid5(_NAMESPACE, f"{tenant}/{kind}/{key}")


class Flavor(Base):
    """A Nova flavor visible to a tenant; `ram` and `disk` in MiB, as the reference API."""

    __tablename__ = "flavors"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    service_settings_uuid: Mapped[UUID] = mapped_column(Uuid)
    backend_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    cores: Mapped[int] = mapped_column(Integer)
    ram: Mapped[int] = mapped_column(Integer)
    disk: Mapped[int] = mapped_column(Integer)


class TenantImage(Base):
    """A Glance image a tenant may boot from; `min_disk` and `min_ram` in MiB."""

    __tablename__ = "tenant_images"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    backend_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    min_disk: Mapped[int] = mapped_column(Integer)
    min_ram: Mapped[int] = mapped_column(Integer)
