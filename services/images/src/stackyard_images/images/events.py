"""The events images publishes about images (each also an audit log entry, through
identity's audit consumer):

    image.created.v1          an image was registered in Glance through `create_image`
    image.uploaded.v1         its data reached Glance and was verified (size, checksums)
    image.upload_failed.v1    an upload broke off or failed verification; the image is
                              deleted from Glance and the record ERRED

Every payload has the audit fields (`resource_type` "image", `resource_uuid`,
`resource_name`, `message`, `actor_uuid`, `actor_username`, `result`) and the image's
`image_uuid`, `tenant_uuid`, `backend_id`, `visibility`, `size`, `checksum`, `state`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal
from stackyard_common.events import Envelope, publish
from stackyard_images.images.models import Image

__all__ = ["CREATED", "SOURCE", "UPLOADED", "UPLOAD_FAILED", "image_event"]

SOURCE = "images"
CREATED = "image.created.v1"
UPLOADED = "image.uploaded.v1"
UPLOAD_FAILED = "image.upload_failed.v1"


async def image_event(
    session: AsyncSession,
    kind: str,
    image: Image,
    actor: Principal | None,
    message: str,
    *,
    failed: bool = False,
    **extra: Any,
) -> None:
    """Record the event `kind` about `image` in `session`'s transaction."""
    await publish(
        session,
        Envelope(
            type=kind,
            source=SOURCE,
            organisation=image.customer_uuid,
            project=image.project_uuid,
            tenant=image.tenant_uuid,
            payload={
                "image_uuid": str(image.uuid),
                "tenant_uuid": str(image.tenant_uuid) if image.tenant_uuid else None,
                "backend_id": image.backend_id,
                "visibility": image.visibility,
                "size": image.size,
                "checksum": image.checksum,
                "state": image.state,
                **extra,
                "resource_type": "image",
                "resource_uuid": str(image.uuid),
                "resource_name": image.name,
                "message": message,
                "actor_uuid": str(actor.uuid) if actor else None,
                "actor_username": actor.username if actor else "system",
                "result": "failed" if failed else "succeeded",
            },
        ),
    )
