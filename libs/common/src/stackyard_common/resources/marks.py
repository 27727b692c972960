"""The steps that move a record's state (saying so by event), and the failure hook every
resource saga shares. Each finds its service's runtime under the `RuntimeKey` it is
given."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.records import ResourceColumns, ResourceState
from stackyard_common.resources.steps import (
    RecordStep,
    RuntimeKey,
    StepAction,
    StepRuntime,
    actor_of,
    order_of,
)
from stackyard_common.sagas import StepContext, StepFailed

__all__ = ["Announce", "forget", "mark", "mark_erred"]

R = TypeVar("R", bound=ResourceColumns)
Announce = Callable[..., Awaitable[None]]
"""A domain's event function: `(session, kind, record, *, actor, order, **extra)`."""


def _value(name: str, value: Any) -> Any:
    # Saga data is JSON: uuids travel as strings.
    if name.endswith("_uuid") and value:
        return uuid.UUID(str(value))
    return value


def mark(
    runtime: RuntimeKey[StepRuntime],
    model: type[R],
    announce: Announce,
    kind: str,
    state: ResourceState,
    *,
    final: bool = False,
    keep: tuple[str, ...] = (),
) -> StepAction:
    """A step that puts the record in `state` and says so (event `kind`). A `final` one
    ends the run well: it clears the error, copies the run's `keep` fields (what the cloud
    reported) onto the record, and ends the order, if any (`order_result` done)."""

    async def action(ctx: StepContext) -> None:
        step = await RecordStep.load(ctx, runtime, model)
        fields: dict[str, Any] = {"state": state.value}
        if final:
            fields["error_message"] = ""
            fields.update({name: _value(name, ctx.data[name]) for name in keep if name in ctx.data})
        await step.save(**fields)
        extra = {"order_result": "done"} if final else {}
        await announce(
            ctx.session, kind, step.record, actor=actor_of(ctx), order=order_of(ctx), **extra
        )

    action.__name__ = f"mark_{state.value.lower()}"
    return action


def mark_erred(
    runtime: RuntimeKey[StepRuntime], model: type[R], announce: Announce, kind: str
) -> Callable[[StepContext, str], Awaitable[None]]:
    """The failure hook: the record ends ERRED with the error, and so does its order."""

    async def hook(ctx: StepContext, error: str) -> None:
        try:
            step = await RecordStep.load(ctx, runtime, model)
        except StepFailed:
            return  # unlinked meanwhile: nothing left to mark
        await step.save(state=ResourceState.ERRED.value, error_message=error)
        await announce(
            ctx.session,
            kind,
            step.record,
            actor=actor_of(ctx),
            order=order_of(ctx),
            order_result="erred",
        )

    return hook


def forget(
    runtime: RuntimeKey[StepRuntime], model: type[R], announce: Announce, kind: str
) -> StepAction:
    """A step that deletes the record and says so (ending its order, if any)."""

    async def action(ctx: StepContext) -> None:
        step = await RecordStep.load(ctx, runtime, model)
        session: AsyncSession = ctx.session
        await session.execute(delete(model).where(model.uuid == step.record.uuid))
        await announce(
            session,
            kind,
            step.record,
            actor=actor_of(ctx),
            order=order_of(ctx),
            order_result="done",
        )

    action.__name__ = f"forget_{model.__name__.lower()}"
    return action
