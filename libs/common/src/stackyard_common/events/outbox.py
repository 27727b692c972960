"""Writing events: into the outbox, inside the transaction of the change they report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events.envelope import Envelope
from stackyard_common.events.tables import inbox, outbox

__all__ = ["publish", "publish_many", "purge_handled", "purge_sent"]


def _row(envelope: Envelope) -> dict[str, object]:
    return {
        "id": envelope.id,
        "type": envelope.type,
        "routing_key": envelope.routing_key,
        "body": envelope.model_dump(mode="json"),
    }


async def publish(session: AsyncSession, envelope: Envelope) -> None:
    """Add `envelope` to the outbox in `session`'s transaction; never commits.

    The event is delivered if and only if that transaction commits: the relay sends
    every committed outbox row, at least once, and consumers deduplicate on its id.
    """
    await session.execute(insert(outbox).values(_row(envelope)))


async def publish_many(session: AsyncSession, envelopes: Iterable[Envelope]) -> None:
    """`publish` for several events in one statement (same transactional promise)."""
    rows = [_row(envelope) for envelope in envelopes]
    if rows:
        await session.execute(insert(outbox), rows)


async def purge_sent(session: AsyncSession, before: datetime) -> int:
    """Delete outbox rows sent before `before`; returns how many went."""
    result = await session.execute(
        delete(outbox).where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < before)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def purge_handled(session: AsyncSession, before: datetime) -> int:
    """Delete inbox rows handled before `before`; returns how many went.

    Keep them longer than any message can stay in a queue or a retry, or a late
    duplicate would be handled again.
    """
    result = await session.execute(delete(inbox).where(inbox.c.handled_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
