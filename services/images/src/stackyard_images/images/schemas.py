"""How images look in `/api/openstack-images/`: the reference API's `OpenStackImage`
plus the platform's own fields (tenant, formats, size, checksum, states)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

__all__ = ["ImageRead"]


class ImageRead(BaseModel):
    uuid: UUID
    url: str
    name: str
    description: str
    backend_id: str
    settings: str = Field(description="The cloud connection (service settings) URL.")
    settings_uuid: UUID
    tenant: str | None = Field(description="The tenant's URL; null for a cloud's public image.")
    tenant_uuid: UUID | None
    customer_uuid: UUID | None
    project_uuid: UUID | None
    state: str
    runtime_state: str = Field(description="Glance's status: queued, saving, active, ...")
    error_message: str
    visibility: str
    disk_format: str
    container_format: str
    min_disk: int = Field(description="Minimum disk size in MiB (Glance's GB times 1024).")
    min_ram: int = Field(description="Minimum memory size in MiB.")
    size: int | None = Field(description="Bytes, as Glance reports them.")
    checksum: str = Field(description="MD5 of the data, as Glance reports it.")
    is_rescue_image: bool = False
    hw_rescue_device: str = ""
    hw_rescue_bus: str = ""
    backend_created_at: datetime | None
    created: datetime
    modified: datetime
