"""Starting sagas and reading their progress: what service code calls."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events.envelope import current_trace_context
from stackyard_common.sagas.definition import Saga
from stackyard_common.sagas.tables import saga_runs

__all__ = ["SagaProgress", "saga_progress", "start_saga"]


async def start_saga(
    session: AsyncSession,
    saga: Saga,
    resource_uuid: uuid.UUID,
    data: Mapping[str, Any] | None = None,
) -> uuid.UUID:
    """Add a run of `saga` for `resource_uuid` in `session`'s transaction (no commit) and
    return its id. It runs once that transaction commits, so creating a resource and
    starting its saga is one atomic change."""
    run_id = uuid.uuid4()
    await session.execute(
        insert(saga_runs).values(
            id=run_id,
            saga=saga.name,
            resource_uuid=resource_uuid,
            step_name=saga.steps[0].name,
            step_count=len(saga.steps),
            data=dict(data or {}),
            trace=current_trace_context(),
        )
    )
    return run_id


@dataclass(frozen=True, slots=True)
class SagaProgress:
    """Where a run stands: step `step` (1-based) of `total`, named `step_name`, its state
    (`running`, `compensating`, `succeeded`, `failed`, `compensated`) and its error."""

    run_id: uuid.UUID
    saga: str
    step: int
    total: int
    step_name: str
    state: str
    error: str | None

    @property
    def text(self) -> str:
        """E.g. "step 2 of 4: create-network (running)"."""
        return f"step {self.step} of {self.total}: {self.step_name} ({self.state})"


async def saga_progress(session: AsyncSession, resource_uuid: uuid.UUID) -> SagaProgress | None:
    """The progress of the newest saga run of `resource_uuid`, or None if it has none."""
    row = (
        await session.execute(
            select(
                saga_runs.c.id,
                saga_runs.c.saga,
                saga_runs.c.step_index,
                saga_runs.c.step_count,
                saga_runs.c.step_name,
                saga_runs.c.state,
                saga_runs.c.error,
            )
            .where(saga_runs.c.resource_uuid == resource_uuid)
            .order_by(saga_runs.c.created.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return SagaProgress(
        run_id=row.id,
        saga=row.saga,
        step=row.step_index + 1,
        total=row.step_count,
        step_name=row.step_name,
        state=row.state,
        error=row.error,
    )
