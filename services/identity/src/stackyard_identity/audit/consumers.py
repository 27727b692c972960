"""The audit log's consumer: every other service's events become audit entries.

Identity records its own changes in their transactions (`audit.recording`), so its
events are skipped here. The inbox makes each event an entry exactly once.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_identity.audit import repository
from stackyard_identity.audit.recording import SOURCE, entry_from_envelope

__all__ = ["audit_consumer", "record_event"]


async def record_event(envelope: Envelope, session: AsyncSession) -> None:
    """Add the audit entry of another service's event (identity's own are skipped)."""
    if envelope.source == SOURCE:
        return
    await repository.add(session, entry_from_envelope(envelope))


audit_consumer: Consumer = consumer("audit", routing_keys=["#"])(record_event)
