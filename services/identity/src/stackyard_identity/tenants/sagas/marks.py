"""The steps that move a tenant's state, and the failure hook every tenant saga shares."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from stackyard_common.sagas import StepContext
from stackyard_identity.tenants.events import STATE_CHANGED, tenant_event
from stackyard_identity.tenants.models import TenantState
from stackyard_identity.tenants.sagas.context import TenantStep

__all__ = ["mark", "mark_erred", "order_of"]

StepAction = Callable[[StepContext], Awaitable[Mapping[str, Any] | None]]


def order_of(ctx: StepContext) -> uuid.UUID | None:
    """The marketplace order the run fulfils, if any."""
    value = ctx.data.get("order_uuid")
    return uuid.UUID(str(value)) if value else None


def mark(state: TenantState, *, final: bool = False) -> StepAction:
    """A step that puts the tenant in `state` and says so; a `final` one ends the run
    well: it clears the error, ends the order, if any (`order_result` done), and makes the
    run's new quotas, if any, the tenant's."""

    async def action(ctx: StepContext) -> None:
        step = await TenantStep.load(ctx)
        fields: dict[str, Any] = {"state": state.value}
        if final:
            fields["error_message"] = ""
            if ctx.data.get("quotas"):
                fields["quotas"] = dict(ctx.data["quotas"])
        await step.save(**fields)
        extra: dict[str, Any] = {"order_result": "done"} if final else {}
        if final and "volume_types" in ctx.data:
            extra["volume_types"] = list(ctx.data["volume_types"])
        await tenant_event(ctx.session, STATE_CHANGED, step.tenant, order=order_of(ctx), **extra)

    action.__name__ = f"mark_{state.value.lower()}"
    return action


async def mark_erred(ctx: StepContext, error: str) -> None:
    """The failure hook: the tenant ends ERRED with the error, and so does its order."""
    step = await TenantStep.load(ctx)
    await step.save(state=TenantState.ERRED.value, error_message=error)
    await tenant_event(
        ctx.session, STATE_CHANGED, step.tenant, order=order_of(ctx), order_result="erred"
    )
