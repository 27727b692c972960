"""Compute's projection of storage's volumes (from `volume.*.v1`): what each instance has
attached, for its view and for `force_destroy`. A row remembers the time of the last
event applied (`version`), so a late event never undoes a newer one."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, DateTime, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_compute.models import Base

__all__ = ["VolumeRecord"]


class VolumeRecord(Base):
    """A volume as storage last described it."""

    __tablename__ = "volumes"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    instance_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(150))
    backend_id: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    type_name: Mapped[str] = mapped_column(String(255))
    bootable: Mapped[bool] = mapped_column(Boolean)
    device: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(30))
    runtime_state: Mapped[str] = mapped_column(String(60))
    deleted: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[datetime] = mapped_column(DateTime(timezone=True))
