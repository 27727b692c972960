"""The event envelope, and how trace context rides along with it.

Trace context is W3C `traceparent`/`tracestate`, written and read with OpenTelemetry's
global propagator, so a consumer's work joins the trace of the change that caused it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate
from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["Envelope", "attached_trace", "current_trace_context"]


def current_trace_context() -> dict[str, str]:
    """The active trace context as W3C headers (empty when no span is active)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def attached_trace(carrier: Mapping[str, str] | None) -> Iterator[None]:
    """Make the trace context in `carrier` current for the duration of the block."""
    if not carrier:
        yield
        return
    token = otel_context.attach(propagate.extract(dict(carrier)))
    try:
        yield
    finally:
        otel_context.detach(token)


class Envelope(BaseModel):
    """One event: what happened (`type`, versioned, e.g. `tenant.created.v1`), where and
    when, to whom (organisation, project, tenant), the trace it belongs to, and its data.

    `id` is unique per event and is the message id consumers deduplicate on.
    """

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    source: str
    organisation: uuid.UUID | None = None
    project: uuid.UUID | None = None
    tenant: uuid.UUID | None = None
    trace: dict[str, str] = Field(default_factory=current_trace_context)
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _versioned(cls, value: str) -> str:
        # The version suffix lets a consumer bind to one shape of an event, e.g. `*.v1`.
        parts = value.split(".")
        if len(parts) < 2 or not parts[-1].startswith("v") or not parts[-1][1:].isdigit():
            raise ValueError(f"event type {value!r} must end with a version, e.g. '.v1'")
        return value

    @property
    def routing_key(self) -> str:
        """The key the event is published with: its type."""
        return self.type
