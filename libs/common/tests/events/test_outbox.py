"""The envelope and the outbox: events are written with the transaction, or not at all."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from sqlalchemy import func, select

from stackyard_common.db import Database
from stackyard_common.events import Envelope, attached_trace, outbox, publish, publish_many


def test_envelope_type_must_carry_a_version() -> None:
    with pytest.raises(ValueError, match="version"):
        Envelope(type="tenant.created", source="identity")
    assert Envelope(type="tenant.created.v1", source="identity").routing_key == (
        "tenant.created.v1"
    )


def test_envelope_carries_the_active_trace_context() -> None:
    trace_id = 0x0AF7651916CD43DD8448EB211C80319C
    span = NonRecordingSpan(SpanContext(trace_id, 0xB7AD6B7169203331, True, TraceFlags(1)))
    assert Envelope(type="x.happened.v1", source="t").trace == {}
    with trace.use_span(span):
        envelope = Envelope(type="x.happened.v1", source="t")
    assert envelope.trace["traceparent"].split("-")[1] == f"{trace_id:032x}"
    with attached_trace(envelope.trace):
        assert trace.get_current_span().get_span_context().trace_id == trace_id
    assert trace.get_current_span().get_span_context().trace_id == 0


async def test_publish_writes_only_with_the_callers_commit(db: Database) -> None:
    kept = Envelope(type="thing.kept.v1", source="network", payload={"n": 1})
    dropped = Envelope(type="thing.dropped.v1", source="network")

    async def failing_change() -> None:
        async with db.session() as session:
            await publish(session, dropped)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        await failing_change()
    async with db.session() as session:
        await publish(session, kept)
    async with db.session() as session:
        rows = (await session.execute(select(outbox.c.id, outbox.c.body))).all()
    assert [row.id for row in rows] == [kept.id]
    assert Envelope.model_validate(rows[0].body) == kept


async def test_publish_many_is_one_statement(db: Database) -> None:
    envelopes = [Envelope(type="thing.made.v1", source="network") for _ in range(5)]
    async with db.session() as session:
        await publish_many(session, envelopes)
    async with db.session() as session:
        count = await session.scalar(
            select(func.count()).where(outbox.c.id.in_([item.id for item in envelopes]))
        )
    assert count == 5
