"""Compute's side of marketplace orders for instances: the `instance-orders` consumer.

    instance.create_requested.v1     an instance in the order's tenant and its saga
    instance.update_requested.v1     refused: instances have no limits to change
    instance.terminate_requested.v1  DELETE, or force_destroy when the order's
                                     attributes say `{"action": "force_destroy"}`

Each request is handled in the transaction that records it in the inbox, so it starts
its saga exactly once. A request the instance cannot take (invalid attributes, an
instance that is not SHUTOFF + OK or ERRED) ends its order `erred` at once with the
reason; an invalid creation leaves an ERRED instance that says why.
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
from stackyard_compute.instances import actions
from stackyard_compute.instances.events import STATE_CHANGED, instance_event
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.planning import plan_instance
from stackyard_compute.instances.schemas import InstanceAttributes, field_errors
from stackyard_compute.instances.service import create_instance

__all__ = ["REQUESTS", "handle_request", "instance_orders_consumer"]

CREATE = "instance.create_requested.v1"
UPDATE = "instance.update_requested.v1"
TERMINATE = "instance.terminate_requested.v1"
REQUESTS = (CREATE, UPDATE, TERMINATE)


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


async def _by_resource(session: AsyncSession, resource: uuid.UUID) -> Instance | None:
    found = await session.execute(
        select(Instance).where(Instance.marketplace_resource_uuid == resource).with_for_update()
    )
    return found.scalar_one_or_none()


async def _refuse(session: AsyncSession, instance: Instance, order: uuid.UUID, reason: str) -> None:
    await instance_event(
        session, STATE_CHANGED, instance, order=order, order_result="erred", order_error=reason
    )


async def _create(session: AsyncSession, payload: dict[str, Any], actor: Actor) -> None:
    resource = uuid.UUID(str(payload["resource_uuid"]))
    order = uuid.UUID(str(payload["order_uuid"]))
    if await _by_resource(session, resource) is not None:
        return  # made already (a repeated request under another event id)
    tenant = await get_tenant(session, uuid.UUID(str(payload["tenant_uuid"])))
    if tenant is None or tenant.customer_uuid is None or tenant.project_uuid is None:
        raise LookupError("the order's tenant is not projected yet")  # retried
    raw = payload.get("attributes") or {}
    offering = _uuid(payload.get("offering_uuid"))
    try:
        # The volumes were checked with storage when the order was placed
        # (`/internal/instances/validate`); storage has the last word in the saga.
        planned = await plan_instance(session, tenant, InstanceAttributes.model_validate(raw))
    except (ValidationError, ValidationFailed) as error:
        errors = field_errors(error) if isinstance(error, ValidationError) else error.errors
        instance = Instance(
            name=str(raw.get("name") or payload.get("name") or "")[:150],
            state=ResourceState.ERRED.value,
            error_message=f"Invalid attributes: {errors}",
            tenant_uuid=tenant.uuid,
            customer_uuid=tenant.customer_uuid,
            project_uuid=tenant.project_uuid,
            service_settings_uuid=tenant.cloud_connection_uuid,
            marketplace_resource_uuid=resource,
            marketplace_offering_uuid=offering,
        )
        session.add(instance)
        await session.flush()
        await session.refresh(instance)
        await instance_event(
            session, STATE_CHANGED, instance, actor=actor, order=order, order_result="erred"
        )
        return
    await create_instance(
        session,
        tenant,
        planned,
        actor=actor,
        order=order,
        marketplace_resource=resource,
        marketplace_offering=offering,
    )


async def handle_request(envelope: Envelope, session: AsyncSession) -> None:
    """Act on one marketplace request (see the module's docstring)."""
    payload = envelope.payload
    actor = Actor.from_payload(payload)
    if envelope.type == CREATE:
        await _create(session, payload, actor)
        return
    resource = _uuid(payload.get("resource_uuid"))
    instance = await _by_resource(session, resource) if resource else None
    order = _uuid(payload.get("order_uuid"))
    if instance is None or order is None:
        return  # nothing was ever made for this resource
    if envelope.type == UPDATE:
        await _refuse(session, instance, order, "Instances have no limits to change.")
        return
    force = (payload.get("attributes") or {}).get("action") == "force_destroy"
    try:
        await actions.schedule_delete(
            session, instance, destroy_volumes=force, actor=actor, order=order
        )
    except StackyardError as error:
        await _refuse(session, instance, order, error.detail)


instance_orders_consumer: Consumer = consumer("instance-orders", routing_keys=REQUESTS)(
    handle_request
)
