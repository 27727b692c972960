"""Glance image data: the streamed upload and the download."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from stackyard_emulator.auth import CloudDep, ProjectAuthDep
from stackyard_emulator.errors import glance_error
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.web import empty

from .routes import find_image, owned_image
from .state import pattern_bytes

router = APIRouter(prefix="/image")


@router.put("/v2/images/{image_id}/file")
async def upload(
    image_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Stream the image data: ``saving`` while it arrives, ``active`` with size and checksums."""
    image = owned_image(cloud, image_id, context)
    media = request.headers.get("content-type", "application/octet-stream").split(";")[0]
    if media.strip() != "application/octet-stream":
        raise glance_error(415, f"Content-Type {media} is not supported for image data.")
    if image["status"] != "queued":
        raise glance_error(
            409, f"Image status transition from {image['status']} to saving is not allowed"
        )
    image["status"] = "saving"
    md5 = hashlib.md5(usedforsecurity=False)
    sha = hashlib.sha512()
    size = 0
    path = cloud.image.data_path(image_id)
    partial = path.with_suffix(".part") if path is not None else None
    handle = partial.open("wb") if partial is not None else None
    try:
        async for chunk in request.stream():
            md5.update(chunk)
            sha.update(chunk)
            size += len(chunk)
            if handle is not None:
                handle.write(chunk)
    except BaseException:
        image["status"] = "queued"
        if handle is not None:
            handle.close()
            partial.unlink(missing_ok=True)  # type: ignore[union-attr]
        raise
    if handle is not None:
        handle.close()
        partial.replace(path)  # type: ignore[union-attr, arg-type]
    image.update(
        status="active",
        size=size,
        virtual_size=None,
        checksum=md5.hexdigest(),
        os_hash_algo="sha512",
        os_hash_value=sha.hexdigest(),
        updated_at=iso_z(),
    )
    image["_generated"] = False
    return empty()


@router.get("/v2/images/{image_id}/file")
async def download(image_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """The image data; 204 when there is none (queued, or bytes not kept)."""
    image = find_image(cloud, image_id, context)
    if image["status"] == "deactivated" and not context.is_admin:
        raise glance_error(
            403, "The requested image has been deactivated. Image data download is forbidden."
        )
    headers = {
        "Content-MD5": str(image.get("checksum") or ""),
        "Content-Type": "application/octet-stream",
    }
    if image["status"] != "active" and image["status"] != "deactivated":
        return empty(204)
    if image.get("_generated"):
        size = int(image["size"])
        name = str(image["name"])

        async def generated() -> AsyncIterator[bytes]:
            for piece in pattern_bytes(name, size):
                yield piece

        headers["Content-Length"] = str(size)
        return StreamingResponse(generated(), headers=headers)
    path = cloud.image.data_path(image_id)
    if path is None or not path.exists():
        return empty(204)

    async def from_disk() -> AsyncIterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk

    headers["Content-Length"] = str(path.stat().st_size)
    return StreamingResponse(from_disk(), headers=headers)
