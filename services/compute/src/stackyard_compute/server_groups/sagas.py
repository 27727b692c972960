"""The server group sagas, owned by compute.

create-server-group   mark-creating, create-group (found by name among the tenant's
                      groups no other record holds; compensation: delete it), mark-ok
delete-server-group   mark-deleting, delete-group, forget-group
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from stackyard_common.resources.marks import forget, mark, mark_erred
from stackyard_common.resources.records import ResourceState
from stackyard_common.resources.steps import RecordStep, cloud_step, refusals_fail
from stackyard_common.sagas import Saga, Step, StepContext
from stackyard_compute.common.runtime import RUNTIME
from stackyard_compute.server_groups.events import DELETED, STATE_CHANGED, group_event
from stackyard_compute.server_groups.models import ServerGroup

__all__ = ["SAGAS", "create_server_group", "delete_server_group"]


@refusals_fail
async def create_group(ctx: StepContext) -> Mapping[str, Any]:
    """Find or make the Nova group."""
    step = await RecordStep.load(ctx, RUNTIME, ServerGroup)
    client = await step.client()
    claimed = set(
        (
            await ctx.session.execute(
                select(ServerGroup.backend_id).where(
                    ServerGroup.tenant_uuid == step.record.tenant_uuid,
                    ServerGroup.uuid != step.record.uuid,
                )
            )
        ).scalars()
    )
    found = next(
        (
            group
            for group in await client.compute.list_server_groups()
            if group.name == step.record.name and group.id not in claimed
        ),
        None,
    )
    if found is None:
        found = await client.compute.create_server_group(step.record.name, step.record.policy)
    await step.save(backend_id=found.id)
    return {"backend_id": found.id}


@refusals_fail
async def delete_group(ctx: StepContext) -> None:
    """Delete the Nova group if it exists."""
    step = await RecordStep.load(ctx, RUNTIME, ServerGroup)
    backend_id = step.record.backend_id or ctx.data.get("backend_id")
    if backend_id:
        client = await step.client()
        await client.compute.delete_server_group(str(backend_id))


def _mark(state: ResourceState) -> Step:
    final = state is ResourceState.OK
    action = mark(RUNTIME, ServerGroup, group_event, STATE_CHANGED, state, final=final)
    return Step(f"mark-{state.value.lower()}", action)


_erred = mark_erred(RUNTIME, ServerGroup, group_event, STATE_CHANGED)

create_server_group = Saga(
    "create-server-group",
    steps=[
        _mark(ResourceState.CREATING),
        cloud_step("create-group", create_group, delete_group),
        _mark(ResourceState.OK),
    ],
    on_failure=_erred,
)

delete_server_group = Saga(
    "delete-server-group",
    steps=[
        _mark(ResourceState.DELETING),
        cloud_step("delete-group", delete_group),
        Step("forget-group", forget(RUNTIME, ServerGroup, group_event, DELETED)),
    ],
    on_failure=_erred,
)

SAGAS = (create_server_group, delete_server_group)
