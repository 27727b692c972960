"""Storage's side of marketplace orders for volumes: the `volume-orders` consumer.

    volume.create_requested.v1     a volume record in the order's tenant and its saga
    volume.update_requested.v1     refused: volumes have no limits to change
    volume.terminate_requested.v1  the deletion saga

Each request is handled in the transaction that records it in the inbox, so a request
starts its saga exactly once. A request the volume cannot take (invalid attributes, a
volume that is busy or attached) ends its order `erred` at once, with the reason; an
invalid creation leaves an ERRED volume that says why.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import StackyardError, ValidationFailed
from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import ResourceState
from stackyard_common.tenants import get_tenant
from stackyard_storage.volumes import actions
from stackyard_storage.volumes.events import STATE_CHANGED, volume_event
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.schemas import VolumeAttributes
from stackyard_storage.volumes.service import create_volume, resolved_spec

__all__ = ["REQUESTS", "handle_request", "volume_orders_consumer"]

CREATE = "volume.create_requested.v1"
UPDATE = "volume.update_requested.v1"
TERMINATE = "volume.terminate_requested.v1"
REQUESTS = (CREATE, UPDATE, TERMINATE)


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationFailed):
        return f"Invalid attributes: {error.errors}"
    if isinstance(error, StackyardError):
        return error.detail
    return str(error)


async def _by_resource(session: AsyncSession, resource: uuid.UUID) -> Volume | None:
    found = await session.execute(
        select(Volume).where(Volume.marketplace_resource_uuid == resource).with_for_update()
    )
    return found.scalar_one_or_none()


async def _refuse(session: AsyncSession, volume: Volume, order: uuid.UUID, reason: str) -> None:
    await volume_event(
        session, STATE_CHANGED, volume, order=order, order_result="erred", order_error=reason
    )


async def _create(session: AsyncSession, payload: dict[str, Any], actor: Actor) -> None:
    resource = uuid.UUID(str(payload["resource_uuid"]))
    order = uuid.UUID(str(payload["order_uuid"]))
    if await _by_resource(session, resource) is not None:
        return  # made already (a repeated request under another event id)
    tenant = await get_tenant(session, uuid.UUID(str(payload["tenant_uuid"])))
    if tenant is None or tenant.customer_uuid is None or tenant.project_uuid is None:
        raise LookupError("the order's tenant is not projected yet")  # retried by the consumer
    try:
        attributes = VolumeAttributes.model_validate(payload.get("attributes") or {})
        # The image and the quotas were checked when the order was placed
        # (`/internal/volumes/validate`); the cloud has the last word in the saga.
        spec = await resolved_spec(
            session,
            tenant,
            name=attributes.name,
            size=attributes.size,
            description=attributes.description,
            type_ref=attributes.type,
            zone=attributes.availability_zone,
            image=attributes.image,
        )
    except (ValidationError, ValidationFailed) as error:
        volume = Volume(
            name=str((payload.get("attributes") or {}).get("name") or payload.get("name") or "")[
                :150
            ],
            state=ResourceState.ERRED.value,
            error_message=_reason(error),
            tenant_uuid=tenant.uuid,
            customer_uuid=tenant.customer_uuid,
            project_uuid=tenant.project_uuid,
            service_settings_uuid=tenant.cloud_connection_uuid,
            size=0,
            marketplace_resource_uuid=resource,
            marketplace_offering_uuid=_uuid(payload.get("offering_uuid")),
        )
        session.add(volume)
        await session.flush()
        await session.refresh(volume)
        await volume_event(
            session, STATE_CHANGED, volume, actor=actor, order=order, order_result="erred"
        )
        return
    await create_volume(
        session,
        tenant,
        spec,
        actor=actor,
        order=order,
        marketplace_resource=resource,
        marketplace_offering=_uuid(payload.get("offering_uuid")),
    )


async def handle_request(envelope: Envelope, session: AsyncSession) -> None:
    """Act on one marketplace request (see the module's docstring)."""
    payload = envelope.payload
    actor = Actor.from_payload(payload)
    if envelope.type == CREATE:
        await _create(session, payload, actor)
        return
    resource = _uuid(payload.get("resource_uuid"))
    volume = await _by_resource(session, resource) if resource else None
    order = _uuid(payload.get("order_uuid"))
    if volume is None or order is None:
        return  # nothing was ever made for this resource
    if envelope.type == UPDATE:
        await _refuse(session, volume, order, "Volumes have no limits to change.")
        return
    try:
        await actions.schedule_delete(session, volume, actor, order)
    except StackyardError as error:
        await _refuse(session, volume, order, _reason(error))


volume_orders_consumer: Consumer = consumer("volume-orders", routing_keys=REQUESTS)(handle_request)
