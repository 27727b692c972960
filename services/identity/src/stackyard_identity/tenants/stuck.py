"""Tenants left in a transitional state: deleting or updating for longer than any of
their sagas would take, with no saga working on them any more (it ended without moving
the tenant on, or the record was changed by hand). They end ERRED with a message that
says why, and the usual `tenant.state_changed.v1` (the marketplace resource follows);
staff can then delete them again, pull them or `set_ok` them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_identity.tenants.events import STATE_CHANGED, tenant_event
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.refresh import saga_busy

__all__ = [
    "DELETING_STATES",
    "UPDATING_STATES",
    "StuckTenants",
    "mark_stuck_tenants",
    "select_stuck",
]

DELETING_STATES = (TenantState.DELETION_SCHEDULED.value, TenantState.DELETING.value)
UPDATING_STATES = (TenantState.UPDATE_SCHEDULED.value, TenantState.UPDATING.value)


@dataclass
class StuckTenants:
    """What one pass found: the tenants it marked ERRED (by name) and how many were
    past the limit but left alone because a saga still works on them."""

    marked: list[str] = field(default_factory=list)
    saga_running: int = 0


def _readable(limit: timedelta) -> str:
    hours = limit.total_seconds() / 3600
    if hours >= 1 and hours == int(hours):
        return f"{int(hours)} hour{'s' if hours != 1 else ''}"
    return f"{int(limit.total_seconds() // 60)} minutes"


def select_stuck(states: Collection[str], before: datetime) -> Select[Any]:
    """Tenants in one of `states` last changed before `before`, oldest first."""
    return (
        select(Tenant)
        .where(Tenant.state.in_(list(states)), Tenant.modified < before)
        .order_by(Tenant.modified)
    )


async def mark_stuck_tenants(
    session: AsyncSession, states: Collection[str], limit: timedelta, now: datetime
) -> StuckTenants:
    """Mark ERRED every tenant in one of `states` unchanged for longer than `limit`
    before `now` on which no saga is working, each with a readable error message and its
    state-changed event, in `session`'s transaction. Tenants another transaction holds
    are skipped (the next pass sees them)."""
    query = (
        select_stuck(states, now - limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    found = StuckTenants()
    tenants: list[Tenant] = list((await session.execute(query)).scalars())
    for tenant in tenants:
        if await saga_busy(session, tenant.uuid):
            found.saga_running += 1
            continue
        was = tenant.state
        tenant.state = TenantState.ERRED.value
        tenant.error_message = (
            f"The tenant was {was} for more than {_readable(limit)} with nothing working on "
            "it: marked ERRED. Delete it again, pull it, or set it OK."
        )
        await session.flush()
        await tenant_event(session, STATE_CHANGED, tenant)
        found.marked.append(tenant.name)
    return found
