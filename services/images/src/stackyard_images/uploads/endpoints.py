"""Custom images in a tenant: `create_image`, then `upload_image_data`.

Served under both the specification's `/api/openstack-marketplace/{tenant_uuid}/...` and
the reference API's `/api/openstack-marketplace-tenants/{uuid}/...`:

    POST .../{tenant}/create_image/                 201 {image_id, uuid, name, status,
                                                         upload_url}
    POST .../{tenant}/upload_image_data/{image_id}/ 200 {status, message, image_id, size,
                                                         checksum}

The upload's body is `application/octet-stream` with a `Content-Length` (411 without:
the size limit is checked before a byte is sent), read as a stream and passed on to
Glance chunk by chunk; the endpoint holds no database session while it streams.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
    error_responses,
)
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_images.clouds import CloudsDep
from stackyard_images.settings import images_settings
from stackyard_images.uploads import service
from stackyard_images.uploads.access import managed_tenant
from stackyard_images.uploads.errors import LengthRequired, UnsupportedMediaType, UploadFailed
from stackyard_images.uploads.schemas import (
    ImageCreateRequest,
    ImageCreateResponse,
    ImageUploadResponse,
)
from stackyard_images.uploads.transfer import Upload, upload_image_data
from stackyard_images.web import absolute_url

__all__ = ["PREFIXES", "routers"]

PREFIXES = ("/api/openstack-marketplace", "/api/openstack-marketplace-tenants")
IMAGE_ID_REQUIRED = "Image ID is required"

CREATE_ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict, ServiceUnavailable
)
UPLOAD_ERRORS = {
    **CREATE_ERRORS,
    **error_responses(LengthRequired, UnsupportedMediaType, UploadFailed),
}
OCTET_STREAM_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _content_length(request: Request) -> int:
    raw = request.headers.get("content-length")
    if raw is None:
        raise LengthRequired
    try:
        length = int(raw)
    except ValueError as error:
        raise ValidationFailed("Content-Length must be a number of bytes.") from error
    if length < 1:
        raise ValidationFailed("The image data is empty.")
    return length


def _router(prefix: str) -> APIRouter:
    tag = prefix.removeprefix("/api/")
    operation = tag.replace("-", "_")
    router = APIRouter(prefix=prefix, tags=[tag])

    @router.post(
        "/{tenant_uuid}/create_image/",
        status_code=status.HTTP_201_CREATED,
        responses=CREATE_ERRORS,
        summary="Register a custom image in the tenant (Glance, queued)",
        operation_id=f"{operation}_create_image",
    )
    async def create_image(
        request: Request,
        tenant_uuid: uuid.UUID,
        data: ImageCreateRequest,
        principal: CurrentUser,
        session: SessionDep,
        clouds: CloudsDep,
    ) -> ImageCreateResponse:
        tenant = await managed_tenant(session, principal, tenant_uuid)
        image = await service.create_image(
            session, clouds, images_settings(), principal, tenant, data
        )
        return ImageCreateResponse(
            image_id=image.backend_id,
            uuid=image.uuid,
            name=image.name,
            status=image.runtime_state,
            upload_url=absolute_url(
                request, f"{prefix}/{tenant_uuid}/upload_image_data/{image.backend_id}/"
            ),
        )

    @router.post(
        "/{tenant_uuid}/upload_image_data/{image_id}/",
        response_model=ImageUploadResponse,
        responses=UPLOAD_ERRORS,
        openapi_extra=OCTET_STREAM_BODY,
        summary="Stream the image's data to Glance, then verify it",
        operation_id=f"{operation}_upload_image_data",
    )
    async def upload(
        request: Request,
        tenant_uuid: uuid.UUID,
        image_id: str,
        principal: CurrentUser,
        clouds: CloudsDep,
    ) -> ImageUploadResponse | JSONResponse:
        if not image_id.strip():
            raise ValidationFailed.field("image_id", IMAGE_ID_REQUIRED)
        media = request.headers.get("content-type", "").split(";")[0].strip()
        if media != "application/octet-stream":
            raise UnsupportedMediaType
        upload = Upload(
            tenant_uuid, image_id, _content_length(request), request.stream(), principal
        )
        try:
            image = await upload_image_data(
                request.app.state.database, images_settings(), clouds, upload
            )
        except ClientDisconnect:
            # Nobody is left to read this; the image is already cleaned up.
            return JSONResponse({"detail": "The client went away."}, status_code=400)
        return ImageUploadResponse(
            status="success",
            message="Image data uploaded successfully.",
            image_id=image.backend_id,
            size=image.size or 0,
            checksum=image.checksum,
        )

    @router.post(
        "/{tenant_uuid}/upload_image_data/",
        responses=error_responses(ValidationFailed),
        summary="An upload without an image id: always a 400",
        operation_id=f"{operation}_upload_image_data_without_id",
    )
    async def upload_without_id(tenant_uuid: uuid.UUID) -> None:
        raise ValidationFailed.field("image_id", IMAGE_ID_REQUIRED)

    return router


routers = [_router(prefix) for prefix in PREFIXES]
