"""Sending an image's data: checked, streamed to Glance, verified, recorded.

Three short transactions around the transfer, so that no database connection is held
while gigabytes pass:

1. check the tenant, the image (`queued`) and the size limit under the tenant's lock,
   and reserve the announced length (the record shows `saving` with that size);
2. stream the body to Glance's `PUT /v2/images/{id}/file`, counting and hashing it;
3. verify that Glance shows the image `active` with the same size, MD5 and (when Glance
   reports one) SHA-512, and record it `OK`.

Whatever breaks the transfer or the verification (the client going away mid-upload,
Glance failing, a mismatch) ends with the image deleted from Glance and the record
`ERRED` with the reason: never `saving` forever. That clean-up is shielded from
cancellation.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import structlog

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_common.db import Database
from stackyard_common.openstack import OpenStackClient, OpenStackError
from stackyard_images.clouds import CloudAccess
from stackyard_images.images import repository
from stackyard_images.images.events import UPLOAD_FAILED, UPLOADED, image_event
from stackyard_images.images.models import Image, ImageState
from stackyard_images.offerings.projection import image_limits
from stackyard_images.settings import ImagesSettings
from stackyard_images.uploads.access import managed_tenant
from stackyard_images.uploads.errors import UploadFailed
from stackyard_images.uploads.service import client_for
from stackyard_images.uploads.streaming import LengthMismatch, UploadStream

__all__ = ["SIZE_EXCEEDED", "Upload", "upload_image_data"]

SIZE_EXCEEDED = "Image size limit would be exceeded"

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Upload:
    """One upload request: into which tenant's image, by whom, how long, from where."""

    tenant_uuid: uuid.UUID
    image_id: str
    length: int
    body: AsyncIterator[bytes]
    principal: Principal


async def _reserve(
    database: Database, settings: ImagesSettings, clouds: CloudAccess, upload: Upload
) -> tuple[Image, OpenStackClient]:
    async with database.session() as session:
        tenant = await managed_tenant(session, upload.principal, upload.tenant_uuid)
        await repository.lock_tenant(session, tenant.uuid)
        image = await repository.by_backend_id(session, tenant.uuid, upload.image_id, lock=True)
        if image is None:
            raise NotFound("Image not found.")
        if image.runtime_state != "queued" or image.state != ImageState.OK:
            raise Conflict(
                f"The image is {image.runtime_state or image.state}: only a queued image "
                "takes data."
            )
        limits = await image_limits(session, tenant, settings)
        _, used = await repository.tenant_usage(session, tenant.uuid, excluding=image.uuid)
        if limits.size is not None and used + upload.length > limits.size:
            raise ValidationFailed(SIZE_EXCEEDED)
        image.state = ImageState.UPDATING
        image.runtime_state = "saving"
        image.size = upload.length
        image.error_message = ""
        client = await client_for(clouds, tenant, image.visibility)
        return image, client


async def _finish(
    database: Database,
    image_uuid: uuid.UUID,
    principal: Principal,
    *,
    size: int,
    checksum: str,
) -> Image:
    async with database.session() as session:
        image = await session.get(Image, image_uuid, with_for_update=True)
        if image is None:  # pulled away meanwhile: Glance has it, a later pull brings it
            raise NotFound("Image not found.")
        image.state = ImageState.OK
        image.runtime_state = "active"
        image.size = size
        image.checksum = checksum
        await session.flush()
        await image_event(
            session,
            UPLOADED,
            image,
            principal,
            f"Image {image.name} received {size} bytes from {principal.username}.",
        )
        return image


async def _give_up(
    database: Database,
    client: OpenStackClient,
    image_uuid: uuid.UUID,
    backend_id: str,
    principal: Principal,
    reason: str,
) -> None:
    """Delete the image from Glance (a half-sent image is of no use, and a real Glance
    may leave it `saving`) and mark the record ERRED with `reason`."""
    try:
        await client.image.delete_image(backend_id)
        runtime_state = "deleted"
    except OpenStackError as error:
        log.warning("images.cleanup_failed", image=backend_id, error=str(error))
        runtime_state = "killed"
        reason = f"{reason} The image could not be deleted from the cloud: {error}"
    async with database.session() as session:
        image = await session.get(Image, image_uuid, with_for_update=True)
        if image is None:
            return
        image.state = ImageState.ERRED
        image.runtime_state = runtime_state
        image.error_message = reason
        await session.flush()
        await image_event(
            session, UPLOAD_FAILED, image, principal, f"Image {image.name}: {reason}", failed=True
        )


def _verify(stream: UploadStream, glance: dict[str, object]) -> str | None:
    """What is wrong with Glance's record of the upload, or None."""
    if glance.get("status") != "active":
        return f"Glance shows the image {glance.get('status')}, not active."
    if glance.get("size") != stream.received:
        return f"Glance holds {glance.get('size')} bytes, {stream.received} were sent."
    if glance.get("checksum") != stream.md5:
        return "Glance's MD5 checksum differs from the data sent."
    sha512 = stream.sha512
    if sha512 and glance.get("os_hash_algo") == "sha512" and glance.get("os_hash_value") != sha512:
        return "Glance's SHA-512 differs from the data sent."
    return None


async def upload_image_data(
    database: Database, settings: ImagesSettings, clouds: CloudAccess, upload: Upload
) -> Image:
    """Stream `upload` into Glance and verify it; the image record, `OK` and `active`.

    Raises `NotFound` (tenant or image), `PermissionDenied`, `Conflict` (the image is not
    `queued`), `ValidationFailed` past the size limit (nothing sent), `UploadFailed`
    when the transfer or its verification fails (the image deleted, the record ERRED).
    """
    image, client = await _reserve(database, settings, clouds, upload)
    stream = UploadStream(
        upload.body, upload.length, settings.upload_chunk_size, settings.verify_sha512
    )

    async def give_up(reason: str) -> None:
        await asyncio.shield(
            _give_up(database, client, image.uuid, image.backend_id, upload.principal, reason)
        )

    try:
        await client.image.upload_image(image.backend_id, stream)
        if stream.received != upload.length:
            raise UploadFailed(
                f"The upload ended after {stream.received} of {upload.length} bytes."
            )
        glance = await client.image.wait_for_image(
            image.backend_id,
            failures=("killed", "deleted", "queued"),
            timeout=settings.verify_timeout,
            interval=0.5,
        )
        problem = _verify(stream, glance.raw)
        if problem is not None:
            raise UploadFailed(f"Verification failed: {problem}")
    except UploadFailed as error:
        await give_up(error.detail)
        raise
    except LengthMismatch as error:
        await give_up(f"The body was {error}.")
        raise ValidationFailed(f"The body was {error}.") from error
    except OpenStackError as error:
        reason = f"HTTPX request failed: {error}"
        await give_up(reason)
        raise UploadFailed(reason) from error
    except BaseException as error:  # the client went away, or the request was cancelled
        await give_up(
            f"The upload broke off after {stream.received} of {upload.length} bytes "
            f"({type(error).__name__})."
        )
        raise
    return await _finish(
        database, image.uuid, upload.principal, size=stream.received, checksum=stream.md5
    )
