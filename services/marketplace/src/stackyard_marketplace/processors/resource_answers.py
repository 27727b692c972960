"""Following instance and volume orders to their end: compute's and storage's answers
move orders and resources exactly as identity's tenant answers do
(`processors.completion`):

    instance.state_changed.v1 / volume.state_changed.v1   with `order_result` done or
                                                          erred: the order ends so
    instance.deleted.v1 / volume.deleted.v1               the resource is Terminated

The answer's `instance_uuid` / `volume_uuid` becomes the resource's `backend_uuid` (its
`scope`), its `backend_id` the cloud's id.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_marketplace.orders import repository as orders
from stackyard_marketplace.orders.models import OrderState
from stackyard_marketplace.processors.completion import (
    DELETED,
    STATE_CHANGED,
    _end_order,
    _follow,
    _resource,
    _uuid,
)

__all__ = ["RESOURCE_ANSWERS", "apply_resource_event", "resource_answers_consumer"]

RESOURCE_ANSWERS = (
    "instance.state_changed.v1",
    "instance.deleted.v1",
    "volume.state_changed.v1",
    "volume.deleted.v1",
)


async def apply_resource_event(envelope: Envelope, session: AsyncSession) -> None:
    """Move the order and resource an instance or volume event is about (idempotent)."""
    payload = envelope.payload
    resource = await _resource(session, _uuid(payload.get("marketplace_resource_uuid")))
    if resource is None:
        return  # made outside the marketplace
    kind_name = envelope.type.split(".", 1)[0]
    backend = _uuid(payload.get(f"{kind_name}_uuid"))
    if backend is not None and resource.backend_uuid is None:
        resource.backend_uuid = backend
    if payload.get("backend_id"):
        resource.backend_id = str(payload["backend_id"])
    # The tenant answers' rules, with the same meaning of "state changed" and "deleted".
    kind = DELETED if envelope.type.endswith(".deleted.v1") else STATE_CHANGED
    order_uuid = _uuid(payload.get("order_uuid"))
    if order_uuid is not None:
        order = await orders.by_uuid(session, order_uuid, lock=True)
        if (
            order is not None
            and order.state == OrderState.EXECUTING
            and payload.get("order_result")
        ):
            _end_order(order, resource, kind, payload)
    elif await orders.open_order_of(session, resource.uuid) is None:
        _follow(resource, kind, payload)
    await session.flush()


resource_answers_consumer: Consumer = consumer("resource-answers", routing_keys=RESOURCE_ANSWERS)(
    apply_resource_event
)
