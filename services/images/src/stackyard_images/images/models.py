"""Image records: one per Glance image the platform knows of.

A tenant's image (`tenant_uuid` set) is one its Keystone project owns, whether pulled
from Glance or registered through `create_image`; a cloud's public image (`tenant_uuid`
null) is one the cloud offers every tenant. `(cloud_connection_uuid, backend_id)` is
unique: one record per image and cloud, whoever pulled it first.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_images.models import Base

__all__ = ["Image", "ImageState"]


class ImageState(StrEnum):
    """A resource's state, as every Stackyard resource has it."""

    OK = "OK"
    ERRED = "ERRED"
    CREATING = "CREATING"
    UPDATING = "UPDATING"


class Image(Base):
    """One Glance image; `runtime_state` is Glance's own status (`queued`, `saving`,
    `active`, ...), `size` and `checksum` what Glance last reported (during an upload,
    `size` holds the announced length, so that the tenant's size limit counts it)."""

    __tablename__ = "images"
    __table_args__ = (
        UniqueConstraint("cloud_connection_uuid", "backend_id", name="uq_images_cloud_backend"),
    )

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    backend_id: Mapped[str] = mapped_column(String(255))
    cloud_connection_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    tenant_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    customer_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    project_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    state: Mapped[str] = mapped_column(String(30), default=ImageState.OK)
    runtime_state: Mapped[str] = mapped_column(String(30), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default="private")
    disk_format: Mapped[str] = mapped_column(String(20), default="")
    container_format: Mapped[str] = mapped_column(String(20), default="")
    min_disk: Mapped[int] = mapped_column(Integer, default=0)
    min_ram: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int | None] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64), default="")
    owner: Mapped[str] = mapped_column(String(255), default="")
    backend_created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
