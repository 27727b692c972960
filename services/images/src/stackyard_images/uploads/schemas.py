"""What `create_image` and `upload_image_data` read and answer, in the reference API's
`ImageCreateRequest`, `ImageCreateResponse` and `ImageUploadResponse` shapes."""

from __future__ import annotations

from enum import StrEnum
from typing import Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AMAZON_FORMATS",
    "ContainerFormat",
    "DiskFormat",
    "ImageCreateRequest",
    "ImageCreateResponse",
    "ImageUploadResponse",
    "Visibility",
]


class DiskFormat(StrEnum):
    QCOW2 = "qcow2"
    RAW = "raw"
    VHD = "vhd"
    VMDK = "vmdk"
    VDI = "vdi"
    ISO = "iso"
    AKI = "aki"
    AMI = "ami"
    ARI = "ari"


class ContainerFormat(StrEnum):
    BARE = "bare"
    OVF = "ovf"
    AKI = "aki"
    AMI = "ami"
    ARI = "ari"


class Visibility(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"


AMAZON_FORMATS = frozenset({"aki", "ami", "ari"})


class ImageCreateRequest(BaseModel):
    """A new image's metadata. Glance's own rule on formats holds: an Amazon kernel,
    machine or ramdisk image (`aki`, `ami`, `ari`) has the same disk and container
    format; the others go in `bare` or `ovf`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    disk_format: DiskFormat = DiskFormat.QCOW2
    container_format: ContainerFormat = ContainerFormat.BARE
    visibility: Visibility = Visibility.PRIVATE
    min_disk: int = Field(default=0, ge=0, description="GB.")
    min_ram: int = Field(default=0, ge=0, description="MB.")

    @model_validator(mode="after")
    def _formats_agree(self) -> Self:
        disk, container = self.disk_format.value, self.container_format.value
        if (disk in AMAZON_FORMATS or container in AMAZON_FORMATS) and disk != container:
            raise ValueError(
                f"Disk format {disk} does not go with container format {container}: "
                "aki, ami and ari images need the same disk and container format."
            )
        return self


class ImageCreateResponse(BaseModel):
    image_id: str = Field(description="Glance's id of the image.")
    uuid: UUID = Field(description="The platform's record of the image.")
    name: str
    status: str = Field(description="Glance's status: queued until the data arrives.")
    upload_url: str


class ImageUploadResponse(BaseModel):
    status: str
    message: str
    image_id: str
    size: int
    checksum: str
