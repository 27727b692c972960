"""Registering a custom image: checked against the tenant's limits, made in Glance
(`queued`), recorded, announced.

The count limit is checked under the tenant's advisory lock, in the transaction that
writes the record, so two requests never both take the last place.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.auth import Principal
from stackyard_common.openstack import OpenStackClient
from stackyard_common.tenants import TenantRecord
from stackyard_images.clouds import CloudAccess
from stackyard_images.images import repository
from stackyard_images.images.events import CREATED, image_event
from stackyard_images.images.models import Image, ImageState
from stackyard_images.offerings.projection import image_limits
from stackyard_images.settings import ImagesSettings
from stackyard_images.uploads.access import ensure_may_publish
from stackyard_images.uploads.errors import cloud_errors
from stackyard_images.uploads.schemas import ImageCreateRequest, Visibility

__all__ = ["COUNT_EXCEEDED", "MARKER", "client_for", "create_image"]

COUNT_EXCEEDED = "Image count limit exceeded"
MARKER = "stackyard_image_uuid"
"""The Glance property that names the platform's record of an image."""


async def client_for(clouds: CloudAccess, tenant: TenantRecord, visibility: str) -> OpenStackClient:
    """The client that makes and fills an image of `visibility`: the cloud's admin for a
    public one (Glance lets only an admin publish), the tenant's own user otherwise."""
    if visibility == Visibility.PUBLIC:
        return await clouds.admin(tenant.cloud_connection_uuid)
    return await clouds.tenant(tenant.uuid)


async def create_image(
    session: AsyncSession,
    clouds: CloudAccess,
    settings: ImagesSettings,
    principal: Principal,
    tenant: TenantRecord,
    data: ImageCreateRequest,
) -> Image:
    """Make the image in Glance and its record (runtime state `queued`).

    Raises `PermissionDenied` for a public image without the permission,
    `ValidationFailed` past the count limit, `ServiceUnavailable` or `ValidationFailed`
    when Glance fails or refuses.
    """
    if data.visibility == Visibility.PUBLIC:
        await ensure_may_publish(session, principal, tenant)
    await repository.lock_tenant(session, tenant.uuid)
    limits = await image_limits(session, tenant, settings)
    count, _ = await repository.tenant_usage(session, tenant.uuid)
    if limits.count is not None and count >= limits.count:
        raise ValidationFailed(COUNT_EXCEEDED)
    image = Image(
        uuid=uuid.uuid4(),
        name=data.name,
        cloud_connection_uuid=tenant.cloud_connection_uuid,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        state=ImageState.CREATING,
        visibility=data.visibility.value,
        disk_format=data.disk_format.value,
        container_format=data.container_format.value,
        min_disk=data.min_disk,
        min_ram=data.min_ram,
        owner=tenant.backend_id,
    )
    client = await client_for(clouds, tenant, data.visibility)
    properties = {MARKER: str(image.uuid)}
    if data.visibility == Visibility.PUBLIC:
        properties["owner"] = tenant.backend_id  # the admin makes it, the tenant owns it
    async with cloud_errors():
        made = await client.image.create_image(
            data.name,
            disk_format=data.disk_format.value,
            container_format=data.container_format.value,
            visibility=data.visibility.value,
            min_disk=data.min_disk,
            min_ram=data.min_ram,
            properties=properties,
        )
    image.backend_id = made.id
    session.add(image)
    image.runtime_state = made.status or "queued"
    image.state = ImageState.OK
    await session.flush()
    await image_event(
        session,
        CREATED,
        image,
        principal,
        f"Image {image.name} was registered in tenant {tenant.name} by {principal.username}.",
    )
    return image
