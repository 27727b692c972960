"""What the volumes API (`/api/openstack-volumes/`) reads and writes, in the reference
API's `OpenStackVolume` shape (sizes in MiB) plus the platform's own `progress`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_common.resources.schemas import Progress

__all__ = [
    "AttachRequest",
    "ExtendRequest",
    "FromSnapshotRequest",
    "SnapshotRequest",
    "VolumeAttributes",
    "VolumeCreate",
    "VolumeRead",
]


class VolumeAttributes(BaseModel):
    """A new volume, as `OpenStackVolumeCreateOrderAttributes` describes it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    size: int | None = Field(default=None, ge=1024, description="MiB (at least 1 GiB).")
    type: str | None = Field(default=None, description="Volume type: name, uuid or URL.")
    availability_zone: str | None = None
    image: str | None = Field(default=None, description="Image (the cloud's image id).")


class VolumeCreate(VolumeAttributes):
    """A volume made directly (not ordered): in which tenant."""

    tenant: str = Field(description="The tenant (uuid or URL).")
    snapshot: str | None = Field(default=None, description="Make it from this snapshot.")


class ExtendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disk_size: int = Field(ge=1024, description="The new size in MiB.")


class AttachRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instance: str = Field(description="The instance (uuid or URL).")


class FromSnapshotRequest(BaseModel):
    """A new volume from one of this volume's snapshots."""

    model_config = ConfigDict(extra="forbid")

    snapshot: str = Field(description="The snapshot (uuid or URL).")
    name: str = Field(min_length=1, max_length=150)
    description: str = ""


class VolumeRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    description: str
    resource_type: str = "OpenStack.Volume"
    state: str
    runtime_state: str
    error_message: str
    backend_id: str
    size: int
    type: str | None = Field(description="The volume type's name (null: the default).")
    type_name: str
    availability_zone: str
    bootable: bool
    image: str
    image_name: str
    source_snapshot: str | None
    instance: str | None
    instance_uuid: UUID | None
    instance_name: str
    device: str
    metadata: dict[str, Any] = Field(description="The volume's Cinder metadata, as last pulled.")
    backend_missing_since: datetime | None = Field(
        description="Since when a pull no longer finds the volume in the cloud (null: found)."
    )
    extend_enabled: bool
    tenant: str
    tenant_uuid: UUID
    service_settings: str
    service_settings_uuid: UUID
    project: str
    project_uuid: UUID
    customer: str
    customer_uuid: UUID
    marketplace_resource_uuid: UUID | None
    progress: Progress | None
    created: datetime
    modified: datetime


class SnapshotRequest(BaseModel):
    """A snapshot of this volume."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    kept_until: datetime | None = None
