"""Glance's data for one cloud: image records and, when asked, their bytes on disk."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackyard_emulator.ids import new_uuid
from stackyard_emulator.store import Record, Table
from stackyard_emulator.timeutil import iso_z

if TYPE_CHECKING:
    from stackyard_emulator.cloud import Cloud

DISK_FORMATS = ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")
CONTAINER_FORMATS = ("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed")
# Attributes Glance owns; everything else a client sends is a custom property.
CORE = (
    "id",
    "name",
    "status",
    "visibility",
    "protected",
    "os_hidden",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
    "min_disk",
    "min_ram",
    "disk_format",
    "container_format",
    "owner",
    "created_at",
    "updated_at",
    "tags",
    "self",
    "file",
    "schema",
    "locations",
    "direct_url",
    "stores",
)
READ_ONLY = (
    "status",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
    "created_at",
    "updated_at",
    "self",
    "file",
    "schema",
    "direct_url",
    "stores",
)
_CHUNK = 64 * 1024


def pattern_bytes(name: str, size: int) -> Iterator[bytes]:
    """The deterministic content of a seeded image (never stored, regenerated on download)."""
    unit = f"stackyard emulator seed image {name}\n".encode()
    block = unit * (_CHUNK // len(unit) + 1)
    left = size
    while left > 0:
        piece = block[: min(left, _CHUNK)]
        left -= len(piece)
        yield piece


class ImageState:
    """Every Glance image of one cloud."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.images = Table()

    @property
    def image_dir(self) -> Path | None:
        """Where uploaded bytes are kept (``None``: only size and checksums are kept)."""
        return self.cloud.config.image_dir

    def visible(self, image_id: str, project_id: str, is_admin: bool) -> Record | None:
        """The image if the caller may see it."""
        image = self.images.get(image_id)
        if image is None:
            return None
        if (
            is_admin
            or image["owner"] == project_id
            or image["visibility"] in ("public", "community")
        ):
            return image
        return None

    def create(self, owner: str, attrs: dict[str, Any]) -> Record:
        """A new ``queued`` image (attributes already validated)."""
        now = iso_z()
        record: Record = {
            "id": str(attrs.get("id") or new_uuid()),
            "name": attrs.get("name"),
            "status": "queued",
            "visibility": attrs.get("visibility", "shared"),
            "protected": bool(attrs.get("protected", False)),
            "os_hidden": bool(attrs.get("os_hidden", False)),
            "checksum": None,
            "os_hash_algo": None,
            "os_hash_value": None,
            "size": None,
            "virtual_size": None,
            "min_disk": int(attrs.get("min_disk", 0) or 0),
            "min_ram": int(attrs.get("min_ram", 0) or 0),
            "disk_format": attrs.get("disk_format"),
            "container_format": attrs.get("container_format"),
            "owner": owner,
            "created_at": now,
            "updated_at": now,
            "tags": [str(t) for t in dict.fromkeys(attrs.get("tags", []) or [])],
            "_properties": {k: v for k, v in attrs.items() if k not in CORE},
        }
        self.images.insert(record, owner)
        return record

    def data_path(self, image_id: str) -> Path | None:
        """Where an image's bytes live when they are kept."""
        return self.image_dir / image_id if self.image_dir else None

    def seed_content(self, record: Record, size: int) -> None:
        """Make a seeded image ``active`` with generated content of ``size`` bytes."""
        md5 = hashlib.md5(usedforsecurity=False)
        sha = hashlib.sha512()
        for piece in pattern_bytes(str(record["name"]), size):
            md5.update(piece)
            sha.update(piece)
        record.update(
            status="active",
            size=size,
            virtual_size=size,
            checksum=md5.hexdigest(),
            os_hash_algo="sha512",
            os_hash_value=sha.hexdigest(),
            _generated=True,
        )

    def delete(self, record: Record) -> None:
        """Forget an image and its kept bytes."""
        path = self.data_path(record["id"])
        if path is not None and path.exists():
            path.unlink()
        self.images.remove(record["id"])
