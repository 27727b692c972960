"""The saga runner: drives the runs of a service's sagas, step by step, to a final state.

Per run and step: the step's start (and so its compensation, and its deadline) is
checkpointed before its action runs; the action and the checkpoint that records its
result commit in one transaction, and that checkpoint also records the next step's
start, so a step costs one transaction of its own; a failed attempt is retried with
back-off until the step's attempts or deadline run out; then the run compensates every
started step in reverse and ends `compensated` (or `failed`, if a compensation keeps
failing). Runs are claimed under a lease (see `lease`), so after a crash another worker
resumes them (`renewal` keeps the leases of the runs in flight).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import case, func, literal

from stackyard_common.db import Database
from stackyard_common.events.envelope import attached_trace
from stackyard_common.sagas.definition import Action, Saga, Step, StepContext, StepFailed
from stackyard_common.sagas.lease import LeaseLost, Leases, Run
from stackyard_common.sagas.renewal import Renewal
from stackyard_common.sagas.tables import saga_runs

__all__ = ["SagaRunner"]

log = structlog.get_logger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class SagaRunner:
    """Runs `sagas` of one service; `run()` until cancelled.

    `services` is handed to every step as `ctx.services` (the worker's context).
    """

    def __init__(
        self,
        database: Database,
        sagas: Sequence[Saga],
        *,
        services: Mapping[str, Any] | None = None,
        owner: str | None = None,
        lease: timedelta = timedelta(seconds=30),
        poll_interval: float = 0.5,
        concurrency: int = 8,
    ) -> None:
        self.database = database
        self.sagas = {saga.name: saga for saga in sagas}
        self.services: Mapping[str, Any] = services or {}
        owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leases = Leases(database, owner, lease)
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        self._active: set[asyncio.Task[None]] = set()
        self.renewal = Renewal(self.leases)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due runs now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Claim due runs and drive them, forever; on cancellation, stop the drivers and
        hand their leases back."""
        renewer = asyncio.create_task(self.renewal.run())
        try:
            while True:
                free = self.concurrency - len(self._active)
                if free > 0 and self.sagas:
                    try:
                        runs = await self.leases.claim(list(self.sagas), free)
                    except Exception as error:  # the database may be away for a while
                        log.warning("saga claim failed", error=repr(error))
                        runs = []
                    for run in runs:
                        task = asyncio.create_task(self._drive(run))
                        self._active.add(task)
                        task.add_done_callback(self._finished)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
        finally:
            renewer.cancel()
            for task in list(self._active):
                task.cancel()
            await asyncio.gather(renewer, *self._active, return_exceptions=True)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._active.discard(task)
        self._wake.set()  # a slot is free

    async def _drive(self, run: Run) -> None:
        try:
            with (
                self.renewal.driving(run.id),
                attached_trace(run.trace),
                structlog.contextvars.bound_contextvars(saga=run.saga, saga_run=str(run.id)),
            ):
                while await self._advance(self.sagas[run.saga], run):
                    pass  # each call runs one step; False once the run stops or ends
        except LeaseLost:
            log.warning("saga lease lost; another worker drives the run")
        except asyncio.CancelledError:
            await asyncio.shield(self._release_quietly(run.id))
            raise
        except Exception:  # an infrastructure failure: the run is retried once due again
            log.exception("saga driver failed")
            await self._release_quietly(run.id)

    async def _release_quietly(self, run_id: uuid.UUID) -> None:
        with contextlib.suppress(Exception):
            await self.leases.release(run_id)

    async def _advance(self, saga: Saga, run: Run) -> bool:
        """Do one thing for the run; True while there is more to do right now."""
        if run.state == "running":
            return await self._forward(saga, run)
        if run.state == "compensating":
            return await self._backward(saga, run)
        return False

    async def _forward(self, saga: Saga, run: Run) -> bool:
        step = saga.steps[run.step_index]
        if run.deadline is None:
            await self._start_step(step, run)
        assert run.deadline is not None
        if _now() >= run.deadline:
            return await self._fail(saga, run, step, f"step '{step.name}' passed its deadline")
        if run.phase == "start" and step.action is not None:
            return await self._attempt(saga, run, step, step.action, awaiting_next=True)
        if step.wait_for_event is not None:
            if run.received_event is None:
                await self._park_for_event(run)
                return False
            store = step.wait_for_event.store_as or step.name
            return await self._complete(saga, run, step, {store: run.received_event})
        if step.poll is not None:
            return await self._attempt(saga, run, step, step.poll.check, awaiting_next=False)
        return await self._complete(saga, run, step, None)

    async def _start_step(self, step: Step, run: Run) -> None:
        # Recorded before the action runs: from here on, a failure compensates this step.
        values, entry = self._start_values(step, run, run.data)
        async with self.database.session() as session:
            await self.leases.checkpoint(session, run.id, **values, step_log=[*run.step_log, entry])
        run.deadline, run.phase, run.attempts, run.received_event = (
            values["deadline"],
            "start",
            0,
            None,
        )
        run.step_log.append(entry)
        run.started_here = True

    def _start_values(
        self, step: Step, run: Run, data: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The columns that record `step`'s start (with `data` as the run's data), and
        its log entry."""
        wait_key: str | None = None
        if step.wait_for_event is not None:
            wait = step.wait_for_event
            wait_key = str(data[wait.data_key] if wait.data_key else run.resource_uuid)
        values = {
            "deadline": _now() + step.deadline,
            "phase": "start",
            "attempts": 0,
            "step_name": step.name,
            "waiting_for": step.wait_for_event.type if step.wait_for_event else None,
            "wait_key": wait_key,
            "received_event": None,
        }
        return values, self._log(run, step.name, "started")

    async def _attempt(
        self, saga: Saga, run: Run, step: Step, function: Action, *, awaiting_next: bool
    ) -> bool:
        """Run an action or check with its checkpoint in one transaction."""
        assert run.deadline is not None
        attempt = run.attempts + 1
        waits = step.wait_for_event is not None or step.poll is not None
        try:
            async with self.database.session() as session:
                context = self._context(run, step, session, attempt)
                context.fresh = run.started_here and attempt == 1 and run.phase == "start"
                remaining = (run.deadline - _now()).total_seconds()
                async with asyncio.timeout(max(remaining, 0.001)):
                    result = await function(context)
                if result is None and not awaiting_next:  # a poll: not yet
                    wake = _now() + step.poll.interval if step.poll else _now()
                    await self.leases.checkpoint(
                        session, run.id, release=True, wake_at=min(wake, run.deadline)
                    )
                    return False
                data = {**run.data, **(result or {})}
                if awaiting_next and waits:
                    await self.leases.checkpoint(session, run.id, phase="awaiting", data=data)
                    run.data, run.phase = data, "awaiting"
                    return True
                return await self._complete(saga, run, step, result, session=session)
        except (LeaseLost, asyncio.CancelledError):
            raise
        except StepFailed as error:
            return await self._fail(saga, run, step, f"step '{step.name}' failed: {error}")
        except Exception as error:  # any other failure is worth another attempt
            if isinstance(error, TimeoutError) and _now() >= run.deadline:
                # The deadline's own timeout; an action's network timeout is retried.
                return await self._fail(saga, run, step, f"step '{step.name}' passed its deadline")
            reason = f"step '{step.name}' failed: {type(error).__name__}: {error}"
            if attempt >= step.max_attempts:
                return await self._fail(saga, run, step, f"{reason} ({attempt} attempts)")
            await self._retry_later(run, step.name, attempt, reason, step.retry_delay(attempt))
            return False

    async def _complete(
        self,
        saga: Saga,
        run: Run,
        step: Step,
        result: Mapping[str, Any] | None,
        session: Any = None,
    ) -> bool:
        data = {**run.data, **(result or {})}
        entries = [self._log(run, step.name, "completed")]
        last = run.step_index + 1 >= len(saga.steps)
        index = run.step_index if last else run.step_index + 1
        values: dict[str, Any] = {
            "step_index": index,
            "step_name": saga.steps[index].name,
            "phase": "start",
            "attempts": 0,
            "deadline": None,
            "waiting_for": None,
            "wait_key": None,
            "received_event": None,
        }
        if last:
            values["state"] = "succeeded"
        else:
            # The next step starts in this same checkpoint: one transaction per step.
            started, entry = self._start_values(saga.steps[index], run, data)
            values.update(started)
            entries.append(entry)
        if result:
            values["data"] = data
        async with contextlib.AsyncExitStack() as stack:
            if session is None:
                session = await stack.enter_async_context(self.database.session())
            await self.leases.checkpoint(
                session, run.id, release=last, step_log=[*run.step_log, *entries], **values
            )
        run.data, run.step_index, run.phase, run.attempts = data, index, "start", 0
        run.deadline, run.received_event = values["deadline"], None
        run.step_log.extend(entries)
        run.started_here = not last
        if last:
            run.state = "succeeded"
            log.info("saga succeeded")
        return not last

    async def _park_for_event(self, run: Run) -> None:
        # The event may have arrived since the run was claimed: then wake at once.
        async with self.database.session() as session:
            await self.leases.checkpoint(
                session,
                run.id,
                release=True,
                wake_at=case(
                    (saga_runs.c.received_event.is_(None), literal(run.deadline)),
                    else_=func.now(),
                ),
            )

    async def _retry_later(
        self, run: Run, step_name: str, attempt: int, reason: str, delay: timedelta
    ) -> None:
        log.warning("saga step attempt failed", step=step_name, attempt=attempt, error=reason)
        entry = self._log(run, step_name, "attempt failed", attempt=attempt, error=reason)
        async with self.database.session() as session:
            await self.leases.checkpoint(
                session,
                run.id,
                release=True,
                attempts=attempt,
                wake_at=_now() + delay,
                step_log=[*run.step_log, entry],
            )
        run.attempts = attempt
        run.step_log.append(entry)

    async def _fail(self, saga: Saga, run: Run, step: Step, reason: str) -> bool:
        """Turn the run to compensation, starting with the step that failed."""
        log.warning("saga failed; compensating", step=step.name, error=reason)
        entry = self._log(run, step.name, "failed", error=reason)
        async with self.database.session() as session:
            await self.leases.checkpoint(
                session,
                run.id,
                state="compensating",
                error=reason,
                attempts=0,
                deadline=None,
                waiting_for=None,
                wait_key=None,
                step_log=[*run.step_log, entry],
            )
        run.state, run.error, run.attempts, run.deadline = "compensating", reason, 0, None
        run.step_log.append(entry)
        return True

    async def _backward(self, saga: Saga, run: Run) -> bool:
        step = saga.steps[run.step_index]
        attempt = run.attempts + 1
        try:
            async with self.database.session() as session:
                if step.compensate is not None:
                    await step.compensate(self._context(run, step, session, attempt))
                return await self._compensated(saga, run, step, session)
        except (LeaseLost, asyncio.CancelledError):
            raise
        except Exception as error:  # retried: compensations are idempotent
            reason = f"compensation of '{step.name}' failed: {type(error).__name__}: {error}"
            if attempt >= saga.compensation_attempts:
                await self._finish_failed(saga, run, step, f"{run.error}; {reason}")
                return False
            await self._retry_later(run, step.name, attempt, reason, step.retry_delay(attempt))
            return False

    async def _compensated(self, saga: Saga, run: Run, step: Step, session: Any) -> bool:
        entry = self._log(run, step.name, "compensated")
        done = run.step_index == 0
        values: dict[str, Any] = {"attempts": 0, "step_log": [*run.step_log, entry]}
        if done:
            values["state"] = "compensated"
            await self._on_failure(saga, run, step, session, run.error or "")
        else:
            values["step_index"] = run.step_index - 1
            values["step_name"] = saga.steps[run.step_index - 1].name
        await self.leases.checkpoint(session, run.id, release=done, **values)
        run.step_log.append(entry)
        run.attempts = 0
        if done:
            run.state = "compensated"
            log.info("saga compensated", error=run.error)
            return False
        run.step_index -= 1
        return True

    async def _finish_failed(self, saga: Saga, run: Run, step: Step, reason: str) -> None:
        log.error("saga failed; compensation gave up", error=reason)
        entry = self._log(run, step.name, "compensation failed", error=reason)
        async with self.database.session() as session:
            await self._on_failure(saga, run, step, session, reason)
            await self.leases.checkpoint(
                session,
                run.id,
                release=True,
                state="failed",
                error=reason,
                step_log=[*run.step_log, entry],
            )
        run.state, run.error = "failed", reason

    async def _on_failure(
        self, saga: Saga, run: Run, step: Step, session: Any, reason: str
    ) -> None:
        if saga.on_failure is not None:
            await saga.on_failure(self._context(run, step, session, run.attempts + 1), reason)

    def _context(self, run: Run, step: Step, session: Any, attempt: int) -> StepContext:
        return StepContext(
            run_id=run.id,
            saga=run.saga,
            step=step.name,
            resource_uuid=run.resource_uuid,
            data=dict(run.data),
            attempt=attempt,
            session=session,
            services=self.services,
        )

    @staticmethod
    def _log(run: Run, step: str, event: str, **extra: Any) -> dict[str, Any]:
        return {"step": step, "event": event, "at": _now().isoformat(), **extra}
