"""The API's view of image records."""

from __future__ import annotations

from fastapi import Request

from stackyard_images.images.models import Image
from stackyard_images.images.schemas import ImageRead
from stackyard_images.web import absolute_url

__all__ = ["image_read"]

MIB_PER_GB = 1024


def image_read(request: Request, image: Image) -> ImageRead:
    """How `image` looks in the API."""
    return ImageRead(
        uuid=image.uuid,
        url=absolute_url(request, f"/api/openstack-images/{image.uuid}/"),
        name=image.name,
        description=image.description,
        backend_id=image.backend_id,
        settings=absolute_url(request, f"/api/service-settings/{image.cloud_connection_uuid}/"),
        settings_uuid=image.cloud_connection_uuid,
        tenant=(
            absolute_url(request, f"/api/openstack-tenants/{image.tenant_uuid}/")
            if image.tenant_uuid
            else None
        ),
        tenant_uuid=image.tenant_uuid,
        customer_uuid=image.customer_uuid,
        project_uuid=image.project_uuid,
        state=image.state,
        runtime_state=image.runtime_state,
        error_message=image.error_message,
        visibility=image.visibility,
        disk_format=image.disk_format,
        container_format=image.container_format,
        min_disk=image.min_disk * MIB_PER_GB,
        min_ram=image.min_ram,
        size=image.size,
        checksum=image.checksum,
        backend_created_at=image.backend_created_at,
        created=image.created,
        modified=image.modified,
    )
