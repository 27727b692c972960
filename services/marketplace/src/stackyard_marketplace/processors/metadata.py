"""The cloud's metadata of instances and volumes, shown on their marketplace resources.

Compute's metadata refresh announces `instance.metadata_changed.v1`, storage's volume
changes (its metadata pull among them) `volume.updated.v1`; both carry the resource's
`marketplace_resource_uuid` and the cloud's `metadata` as last pulled, which becomes the
resource's `backend_metadata`. Events about resources the marketplace does not hold
(made outside it) are skipped. Setting the same metadata twice changes nothing, so a
repeated event is harmless.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_marketplace.resources.models import Resource

__all__ = ["METADATA_EVENTS", "apply_metadata_event", "metadata_consumer"]

METADATA_EVENTS = ("instance.metadata_changed.v1", "volume.updated.v1")


async def apply_metadata_event(envelope: Envelope, session: AsyncSession) -> Resource | None:
    """Give the event's marketplace resource the cloud's metadata; the resource, or
    None when the marketplace does not hold it or the event carries no metadata."""
    payload: dict[str, Any] = envelope.payload
    value = payload.get("marketplace_resource_uuid")
    metadata = payload.get("metadata")
    if not value or not isinstance(metadata, dict):
        return None
    resource = await session.get(Resource, uuid.UUID(str(value)), with_for_update=True)
    if resource is None:
        return None
    if resource.backend_metadata != metadata:
        resource.backend_metadata = {str(key): item for key, item in metadata.items()}
        await session.flush()
    return resource


async def _handle(envelope: Envelope, session: AsyncSession) -> None:
    await apply_metadata_event(envelope, session)


metadata_consumer: Consumer = consumer("resource-metadata", routing_keys=METADATA_EVENTS)(_handle)
