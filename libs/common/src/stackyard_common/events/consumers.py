"""Declaring a consumer: a named handler of the events that match its routing keys.

```python
@consumer("provision-network", routing_keys=["tenant.created.v1"])
async def on_tenant_created(envelope: Envelope, session: AsyncSession) -> None:
    ...  # writes through `session`; committed with the inbox row, or not at all
```
The service lists its consumers in its `worker.py`; the worker runs them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events.envelope import Envelope
from stackyard_common.events.topology import retry_delays

__all__ = ["Consumer", "Handler", "consumer"]

Handler = Callable[[Envelope, AsyncSession], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Consumer:
    """A consumer: its name (unique in its service), routing keys, handler and retry policy.

    A message is attempted at most `max_attempts` times, waiting `retry_base` doubled
    each time (at most `retry_cap`) between attempts, then dead-lettered. `concurrency`
    is how many of its messages may be in hand at once, handled by `parallel` tasks in
    transactions of up to `batch_size` messages; `timeout` bounds one attempt.
    """

    name: str
    routing_keys: tuple[str, ...]
    handler: Handler
    max_attempts: int = 5
    retry_base: timedelta = timedelta(seconds=1)
    retry_cap: timedelta = timedelta(minutes=1)
    concurrency: int = 200
    timeout: timedelta = timedelta(minutes=1)
    batch_size: int = 50
    parallel: int = 4
    delays: list[timedelta] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name or "." in self.name:
            raise ValueError(f"consumer name {self.name!r} must be non-empty and dot-free")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not self.routing_keys:
            raise ValueError(f"consumer {self.name!r} binds no routing key")
        delays = retry_delays(self.max_attempts, self.retry_base, self.retry_cap)
        object.__setattr__(self, "delays", delays)

    def delay_before(self, attempt: int) -> timedelta:
        """How long a message waits before attempt number `attempt` (2 or more)."""
        return self.delays[attempt - 2]


def consumer(
    name: str,
    routing_keys: Sequence[str],
    *,
    max_attempts: int = 5,
    retry_base: timedelta = timedelta(seconds=1),
    retry_cap: timedelta = timedelta(minutes=1),
    concurrency: int = 200,
    timeout: timedelta = timedelta(minutes=1),
    batch_size: int = 50,
    parallel: int = 4,
) -> Callable[[Handler], Consumer]:
    """Turn an async handler `(envelope, session) -> None` into a `Consumer`.

    The handler runs at most once to success per message (the inbox row and its writes
    commit together); when it raises, the message is retried, then dead-lettered.
    """

    def wrap(handler: Handler) -> Consumer:
        return Consumer(
            name=name,
            routing_keys=tuple(routing_keys),
            handler=handler,
            max_attempts=max_attempts,
            retry_base=retry_base,
            retry_cap=retry_cap,
            concurrency=concurrency,
            timeout=timeout,
            batch_size=batch_size,
            parallel=parallel,
        )

    return wrap
