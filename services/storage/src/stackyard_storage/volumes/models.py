"""Cinder volumes the platform made (or restored) in tenants.

`size` is in MiB, as the reference API counts (Cinder's GiB times 1024). A volume made
for an instance by compute has `role` `system` or `data`; `instance_uuid` is compute's
instance the volume is attached to, `device` where. `cloud_metadata` is the volume's
Cinder metadata as last pulled (column and API field `metadata`); `backend_missing_since`
is set while a pull no longer finds the volume in the cloud.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Integer, String, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.resources.pulls import MissingMark
from stackyard_common.resources.records import ResourceColumns
from stackyard_storage.models import Base

__all__ = ["Volume"]


class Volume(ResourceColumns, MissingMark, Base):
    """One volume."""

    __tablename__ = "volumes"

    size: Mapped[int] = mapped_column(Integer)
    type_name: Mapped[str] = mapped_column(String(255), default="")
    availability_zone: Mapped[str] = mapped_column(String(255), default="")
    bootable: Mapped[bool] = mapped_column(Boolean, default=False)
    image_id: Mapped[str] = mapped_column(String(255), default="")
    image_name: Mapped[str] = mapped_column(String(255), default="")
    source_snapshot_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    source_backup_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    role: Mapped[str] = mapped_column(String(20), default="")
    instance_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    instance_name: Mapped[str] = mapped_column(String(150), default="")
    device: Mapped[str] = mapped_column(String(100), default="")
    marketplace_resource_uuid: Mapped[UUID | None] = mapped_column(Uuid, unique=True)
    marketplace_offering_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    # `metadata` is the declarative base's own attribute: the column keeps the name.
    cloud_metadata: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
