"""How a waiting saga step hears its event: a consumer named `sagas` in the service.

When an event arrives whose type some step waits for, every run waiting for that type
with a matching key gets the event's payload in `received_event` and is woken; the
runner then completes the step. The update and the inbox row commit together.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events.consumers import Consumer
from stackyard_common.events.envelope import Envelope
from stackyard_common.sagas.definition import Saga
from stackyard_common.sagas.tables import saga_runs

__all__ = ["SAGA_CONSUMER", "saga_event_consumer"]

SAGA_CONSUMER = "sagas"


def saga_event_consumer(sagas: Sequence[Saga]) -> Consumer | None:
    """The consumer that wakes `sagas`' waiting steps, or None if no step waits."""
    keys_by_type: dict[str, set[str]] = {}
    for saga in sagas:
        for step in saga.steps:
            if step.wait_for_event is not None:
                wait = step.wait_for_event
                keys_by_type.setdefault(wait.type, set()).add(wait.payload_key)
    if not keys_by_type:
        return None

    async def deliver(envelope: Envelope, session: AsyncSession) -> None:
        for payload_key in sorted(keys_by_type.get(envelope.type, ())):
            key = envelope.payload.get(payload_key)
            if key is None:
                continue
            await session.execute(
                update(saga_runs)
                .where(
                    saga_runs.c.state == "running",
                    saga_runs.c.waiting_for == envelope.type,
                    saga_runs.c.wait_key == str(key),
                )
                .values(
                    received_event=envelope.payload,
                    waiting_for=None,
                    wake_at=func.now(),
                    modified=func.now(),
                )
            )

    return Consumer(name=SAGA_CONSUMER, routing_keys=tuple(sorted(keys_by_type)), handler=deliver)
