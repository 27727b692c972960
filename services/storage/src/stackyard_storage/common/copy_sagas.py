"""The sagas of volume copies (snapshots and backups), one definition for both kinds.

create-<kind>
 1 mark-creating         state CREATING
 2 create-<kind>         the copy of `data["volume_id"]`, marked with the record's uuid
                                                   compensation: delete it, wait gone
 3 wait-available        poll until `available`
 4 mark-ok               state OK
delete-<kind>            mark-deleting, delete-<kind> (wait gone), forget-<kind>
pull-<kind>              pull (status, size), mark-ok
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stackyard_common.openstack import NotFound, OpenStackClient, wait_for_delete
from stackyard_common.resources.marks import forget, mark, mark_erred
from stackyard_common.resources.records import ResourceState
from stackyard_common.resources.steps import RecordStep, cloud_step, refusals_fail
from stackyard_common.sagas import Poll, Saga, Step, StepContext, StepFailed
from stackyard_storage.common.cloud import mib
from stackyard_storage.common.copies import CopyColumns, copy_event
from stackyard_storage.common.runtime import RUNTIME, StorageRuntime

__all__ = ["CopyKind", "CopySagas", "copy_sagas", "copy_values"]

POLL = timedelta(seconds=0.5)
WAIT_TIMEOUT, WAIT_INTERVAL = 300.0, 0.5
CopyStep = RecordStep[StorageRuntime, CopyColumns]


def copy_values(found: Any) -> dict[str, Any]:
    """What a pull takes from the cloud's snapshot or backup onto its record (the staff
    `pull` action and the periodic bulk pull alike)."""
    return {"runtime_state": found.status or "", "size": mib(found.size)}


@dataclass(frozen=True)
class CopyKind:
    """How one kind of copy is made, read, found and deleted in the cloud."""

    name: str  # "snapshot" or "backup"
    model: type[CopyColumns]
    create: Callable[[OpenStackClient, CopyColumns, str], Awaitable[Any]]
    get: Callable[[OpenStackClient, str], Awaitable[Any]]
    find: Callable[[OpenStackClient, Any], Awaitable[Any]]
    delete: Callable[[OpenStackClient, str], Awaitable[bool]]


@dataclass(frozen=True)
class CopySagas:
    create: Saga
    delete: Saga
    pull: Saga


def copy_sagas(kind: CopyKind) -> CopySagas:
    """The create, delete and pull sagas of `kind`."""
    changed = f"{kind.name}.state_changed.v1"

    async def load(ctx: StepContext) -> tuple[CopyStep, OpenStackClient]:
        step: CopyStep = await RecordStep.load(ctx, RUNTIME, kind.model)
        return step, await step.client()

    @refusals_fail
    async def create(ctx: StepContext) -> Mapping[str, Any]:
        step, client = await load(ctx)
        found = await kind.find(client, step.record.uuid)
        if found is None:
            found = await kind.create(client, step.record, str(ctx.data["volume_id"]))
        await step.save(backend_id=found.id, runtime_state=found.status or "")
        return {"backend_id": found.id}

    @refusals_fail
    async def delete(ctx: StepContext) -> None:
        step, client = await load(ctx)
        backend_id = step.record.backend_id or ctx.data.get("backend_id")
        if not backend_id:
            found = await kind.find(client, step.record.uuid)
            backend_id = found.id if found else None
        if backend_id:
            await kind.delete(client, str(backend_id))
            await wait_for_delete(
                lambda: kind.get(client, str(backend_id)),
                timeout=WAIT_TIMEOUT,
                interval=WAIT_INTERVAL,
            )

    async def read(ctx: StepContext) -> tuple[CopyStep, Any]:
        step, client = await load(ctx)
        try:
            found = await kind.get(client, step.record.backend_id)
        except NotFound as error:
            raise StepFailed(
                f"{kind.name} {step.record.backend_id} is gone from the cloud"
            ) from error
        status = (found.status or "").lower()
        if status.startswith("error"):
            raise StepFailed(f"the cloud reports {kind.name} {found.id} as {status}")
        if status != step.record.runtime_state:
            await step.save(runtime_state=status)
        return step, found

    async def available(ctx: StepContext) -> Mapping[str, Any] | None:
        _, found = await read(ctx)
        if found.status != "available":
            return None
        return {"runtime_state": "available", "size": mib(found.size)}

    @refusals_fail
    async def pull(ctx: StepContext) -> Mapping[str, Any]:
        _, found = await read(ctx)
        return copy_values(found)

    def marker(state: ResourceState, *keep: str) -> Step:
        final = state is ResourceState.OK
        action = mark(RUNTIME, kind.model, copy_event, changed, state, final=final, keep=keep)
        return Step(f"mark-{state.value.lower()}", action)

    erred = mark_erred(RUNTIME, kind.model, copy_event, changed)
    deleted = forget(RUNTIME, kind.model, copy_event, f"{kind.name}.deleted.v1")
    return CopySagas(
        create=Saga(
            f"create-{kind.name}",
            steps=[
                marker(ResourceState.CREATING),
                cloud_step(f"create-{kind.name}", create, delete),
                cloud_step("wait-available", None, poll=Poll(available, interval=POLL)),
                marker(ResourceState.OK, "runtime_state", "size"),
            ],
            on_failure=erred,
        ),
        delete=Saga(
            f"delete-{kind.name}",
            steps=[
                marker(ResourceState.DELETING),
                cloud_step(f"delete-{kind.name}", delete),
                Step(f"forget-{kind.name}", deleted),
            ],
            on_failure=erred,
        ),
        pull=Saga(
            f"pull-{kind.name}",
            steps=[cloud_step("pull", pull), marker(ResourceState.OK, "runtime_state", "size")],
            on_failure=erred,
        ),
    )
