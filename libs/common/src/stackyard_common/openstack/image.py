"""Glance v2: images, with uploads and downloads streamed in chunks."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from ._proxy import Proxy, only_set
from ._resource import Resource
from ._wait import wait_for_delete, wait_for_status

__all__ = ["Image", "ImageProxy"]

_PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
# Glance's own attributes; every other key of an image is a free-form property.
_CORE = frozenset(
    {
        "id",
        "name",
        "status",
        "visibility",
        "protected",
        "checksum",
        "os_hash_algo",
        "os_hash_value",
        "owner",
        "size",
        "virtual_size",
        "min_ram",
        "min_disk",
        "created_at",
        "updated_at",
        "disk_format",
        "container_format",
        "tags",
        "self",
        "file",
        "schema",
        "direct_url",
        "locations",
        "os_hidden",
        "stores",
    }
)


class Image(Resource):
    name: str | None = None
    status: str | None = None
    visibility: str = "private"
    disk_format: str | None = None
    container_format: str | None = None
    size: int | None = None
    min_disk: int = 0
    min_ram: int = 0
    checksum: str | None = None
    owner: str | None = None
    protected: bool = False
    tags: list[str] = []
    created_at: str | None = None

    @property
    def properties(self) -> dict[str, Any]:
        """The image's free-form properties (`os_distro`, the saga's marker, ...)."""
        return {k: v for k, v in self.raw.items() if k not in _CORE}


class ImageProxy(Proxy):
    """Glance calls."""

    service = "image"

    async def list_images(self, **filters: str | int | bool) -> list[Image]:
        """Images, filtered as Glance filters (`name`, `visibility`, `status`, `owner`...)."""
        return await self._list(Image, "/images", "images", dict(filters))

    async def get_image(self, image_id: str) -> Image:
        """The image `image_id`; raises `NotFound`."""
        return await self._get(Image, f"/images/{image_id}", None)

    async def find_image(
        self, *, name: str | None = None, properties: Mapping[str, str] | None = None
    ) -> Image | None:
        """An image with this name and all of these properties, or None."""
        filters: dict[str, str] = dict(properties or {})
        if name is not None:
            filters["name"] = name
        for image in await self.list_images(**filters):
            if name is not None and image.name != name:
                continue
            if properties and any(image.raw.get(k) != v for k, v in properties.items()):
                continue
            return image
        return None

    async def create_image(
        self,
        name: str,
        *,
        disk_format: str = "qcow2",
        container_format: str = "bare",
        visibility: str = "private",
        min_disk: int | None = None,
        min_ram: int | None = None,
        tags: list[str] | None = None,
        properties: Mapping[str, str] | None = None,
        retry_safe: bool = False,
    ) -> Image:
        """Register an image (status `queued`); send its data with `upload_image`."""
        body: dict[str, Any] = {
            "name": name,
            "disk_format": disk_format,
            "container_format": container_format,
            "visibility": visibility,
            **only_set(min_disk=min_disk, min_ram=min_ram, tags=tags),
            **dict(properties or {}),
        }
        return await self._create(Image, "/images", None, body, retry_safe=retry_safe)

    async def update_image(self, image_id: str, **changes: Any) -> Image:
        """Set attributes and properties; a value of None removes a property."""
        current = await self.get_image(image_id)
        operations: list[dict[str, Any]] = []
        for name, value in changes.items():
            path = f"/{name}"
            if value is None:
                if name in current.raw:
                    operations.append({"op": "remove", "path": path})
            elif name in current.raw:
                operations.append({"op": "replace", "path": path, "value": value})
            else:
                operations.append({"op": "add", "path": path, "value": value})
        if not operations:
            return current
        return await self._update(
            Image, f"/images/{image_id}", None, operations, method="PATCH", headers=_PATCH
        )

    async def delete_image(self, image_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete an image; False when it was already gone (and `ignore_missing`)."""
        return await self._delete(f"/images/{image_id}", ignore_missing=ignore_missing)

    async def upload_image(self, image_id: str, data: bytes | AsyncIterable[bytes]) -> None:
        """Send the image's data; an async iterable is streamed, never held whole.

        A streamed upload is not retried (its chunks cannot be sent twice); bytes are.
        """
        await self._session.request(
            self.service,
            "PUT",
            f"/images/{image_id}/file",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )

    @asynccontextmanager
    async def download_image(
        self, image_id: str, *, chunk_size: int = 1 << 20
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """The image's data as chunks: `async with proxy.download_image(id) as chunks`."""
        async with self._session.stream(
            self.service,
            "GET",
            f"/images/{image_id}/file",
            headers={"Accept": "application/octet-stream"},
        ) as response:
            yield response.aiter_bytes(chunk_size)

    async def wait_for_image(
        self,
        image_id: str,
        status: str = "active",
        *,
        failures: tuple[str, ...] = ("killed", "deleted"),
        timeout: float = 600.0,
        interval: float = 2.0,
    ) -> Image:
        """Poll the image until it is in `status`; see `wait_for_status`."""
        return await wait_for_status(
            lambda: self.get_image(image_id),
            status,
            failures=failures,
            timeout=timeout,
            interval=interval,
        )

    async def wait_for_image_delete(
        self, image_id: str, *, timeout: float = 600.0, interval: float = 2.0
    ) -> None:
        """Poll until the image is gone."""
        await wait_for_delete(lambda: self.get_image(image_id), timeout=timeout, interval=interval)
