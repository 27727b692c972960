"""Declaring a saga: a name and a list of steps, each with an action and a compensation.

```python
provision_tenant = Saga(
    "provision-tenant",
    steps=[
        Step("create-project", create_project, compensate=delete_project),
        Step("request-network", request_network, compensate=release_network,
             wait_for_event=WaitForEvent("network.provisioned.v1")),
        Step("wait-active", None, poll=Poll(tenant_is_active, interval=timedelta(seconds=5))),
        Step("mark-ok", mark_tenant_ok),
    ],
    on_failure=mark_tenant_erred,
)
```
An action `async (ctx) -> dict | None` returns what to merge into the saga's data; it
writes to the database through `ctx.session`, whose transaction commits with the step's
checkpoint. A step that creates a cloud resource tags it with `ctx.resource_uuid` and looks
for it before creating, because a crash can make it run again (unless `ctx.fresh` says
nothing can have run before). A compensation is
"delete if present": it may run for a step that never finished, or more than once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "Action",
    "Check",
    "Poll",
    "Saga",
    "Step",
    "StepContext",
    "StepFailed",
    "WaitForEvent",
]


class StepFailed(Exception):
    """Raised by an action that knows retrying cannot help: the saga fails at once."""


@dataclass(slots=True)
class StepContext:
    """What an action, check or compensation gets: who it works for, the saga's data so
    far, the session of the checkpoint's transaction, and the worker's context (clients,
    settings) as `services`.

    `fresh` is true only for the first attempt of a step whose start this very driver
    recorded: nothing of the step can have run before (no earlier attempt, no crashed
    worker), so an action may skip looking for what an earlier attempt made. It is false
    whenever the step is retried or resumed, and for compensations."""

    run_id: uuid.UUID
    saga: str
    step: str
    resource_uuid: uuid.UUID
    data: Mapping[str, Any]
    attempt: int
    session: AsyncSession
    services: Mapping[str, Any]
    fresh: bool = False


Action = Callable[[StepContext], Awaitable[Mapping[str, Any] | None]]
Check = Callable[[StepContext], Awaitable[Mapping[str, Any] | None]]
FailureHook = Callable[[StepContext, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WaitForEvent:
    """After its action, the step waits for an event of `type` whose
    `payload[payload_key]` equals the run's key: `data[data_key]`, or the resource uuid
    when `data_key` is None. The event's payload is merged into the data under `store_as`
    (default: the step's name).
    """

    type: str
    payload_key: str = "resource_uuid"
    data_key: str | None = None
    store_as: str | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """After its action, the step calls `check` every `interval` until it returns a
    mapping (merged into the data); None means "not yet"."""

    check: Check
    interval: timedelta = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class Step:
    """One step: an action (None for a step that only waits or polls), an idempotent
    compensation, a deadline counted from the step's start, and how often a failing
    action is attempted (with `retry_base` doubling between attempts) before the saga
    fails."""

    name: str
    action: Action | None
    compensate: Action | None = None
    deadline: timedelta = timedelta(minutes=10)
    wait_for_event: WaitForEvent | None = None
    poll: Poll | None = None
    max_attempts: int = 5
    retry_base: timedelta = timedelta(seconds=1)

    def __post_init__(self) -> None:
        if self.wait_for_event is not None and self.poll is not None:
            raise ValueError(f"step {self.name!r} both waits for an event and polls")
        if self.action is None and self.wait_for_event is None and self.poll is None:
            raise ValueError(f"step {self.name!r} does nothing")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def retry_delay(self, attempts: int) -> timedelta:
        """How long to wait after failed attempt number `attempts` (capped at 5 minutes)."""
        delay: timedelta = self.retry_base * (2 ** (attempts - 1))
        return min(delay, timedelta(minutes=5))


@dataclass(frozen=True, slots=True)
class Saga:
    """A named, ordered list of steps. `on_failure(ctx, error)` runs in the transaction
    that ends a failed run (compensated or not), e.g. to mark the resource ERRED."""

    name: str
    steps: Sequence[Step]
    on_failure: FailureHook | None = None
    compensation_attempts: int = 10
    names: tuple[str, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        names = tuple(step.name for step in self.steps)
        if not names:
            raise ValueError(f"saga {self.name!r} has no steps")
        if len(set(names)) != len(names):
            raise ValueError(f"saga {self.name!r} repeats a step name: {names}")
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "names", names)

    @property
    def event_types(self) -> set[str]:
        """The event types some step of this saga waits for."""
        return {step.wait_for_event.type for step in self.steps if step.wait_for_event}
