"""Cloud work on one resource, run by the worker: the `network-operation` saga.

An endpoint checks the request, puts the record in a scheduled state and calls
`schedule` (202); the saga then marks the record transitional (`CREATING`, `UPDATING`,
`DELETING`), runs the operation's handler with a client inside the record's tenant, and
ends the record `OK` (or removes it, for deletions) — or, when the cloud refuses or the
attempts run out, `ERRED` with the cloud's message. Each end is an event.

Handlers are registered per kind and operation (`@operation("network", "create")`); a
create handler looks for a resource tagged with the record's uuid before creating one,
because an attempt may run again after a crash.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict
from stackyard_common.openstack import ApiError, OpenStackClient, Unavailable
from stackyard_common.sagas import Saga, Step, StepContext, StepFailed, saga_progress, start_saga
from stackyard_common.tenants import TenantRecord, get_tenant
from stackyard_network.cloud import CLOUDS_KEY, Clouds
from stackyard_network.resources.events import DELETED, SYSTEM, UPDATED, Actor, resource_event
from stackyard_network.resources.kinds import KINDS
from stackyard_network.resources.models import SETTLED, ResourceState

__all__ = [
    "Operation",
    "Outcome",
    "ensure_idle",
    "gone",
    "network_operation",
    "operation",
    "schedule",
]


class Outcome(Enum):
    """How an operation ended: the record stays (OK), or it is gone."""

    KEEP = "keep"
    DELETED = "deleted"


@dataclass(slots=True)
class Operation:
    """What a handler gets: the locked record, its tenant, a client inside the tenant,
    the request's parameters, and every cloud (for cloud-wide reads)."""

    session: AsyncSession
    record: Any
    tenant: TenantRecord
    cloud: OpenStackClient
    params: Mapping[str, Any]
    clouds: Clouds

    @property
    def tag(self) -> str:
        """The tag that marks the record's cloud resource as the record's."""
        return str(self.record.uuid)


Handler = Callable[[Operation], Awaitable[Outcome]]
HANDLERS: dict[tuple[str, str], Handler] = {}

_TRANSITIONAL = {
    ResourceState.CREATION_SCHEDULED.value: ResourceState.CREATING.value,
    ResourceState.UPDATE_SCHEDULED.value: ResourceState.UPDATING.value,
    ResourceState.DELETION_SCHEDULED.value: ResourceState.DELETING.value,
}


def operation(kind: str, name: str) -> Callable[[Handler], Handler]:
    """Register `handler` as operation `name` on resources of `kind`."""

    def wrap(handler: Handler) -> Handler:
        HANDLERS[(kind, name)] = handler
        return handler

    return wrap


async def ensure_idle(session: AsyncSession, record: Any) -> None:
    """409 unless the record is settled (OK or ERRED) and no operation runs on it."""
    if record.state not in SETTLED:
        raise Conflict(f"The resource is {record.state}.")
    progress = await saga_progress(session, record.uuid)
    if progress is not None and progress.state in ("running", "compensating"):
        raise Conflict(f"The resource is busy: {progress.text}.")


async def schedule(
    session: AsyncSession,
    kind: str,
    record: Any,
    name: str,
    *,
    actor: Actor,
    state: ResourceState | None = None,
    params: Mapping[str, Any] | None = None,
    announce: bool = True,
) -> None:
    """Start operation `name` on `record` (its state set to `state`, if given) in
    `session`'s transaction; the worker runs it once the transaction commits."""
    if (kind, name) not in HANDLERS:
        raise KeyError(f"no operation {name!r} on {kind!r}")
    if state is not None:
        record.state = state.value
    await session.flush()
    data = {"kind": kind, "operation": name, "params": dict(params or {}), **actor.data()}
    await start_saga(session, network_operation, record.uuid, data)
    if announce:
        await resource_event(session, kind, UPDATED, record, actor=actor)


async def _record(ctx: StepContext) -> Any:
    model = KINDS[ctx.data["kind"]].model
    query = select(model).where(model.uuid == ctx.resource_uuid).with_for_update()
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def _begin(ctx: StepContext) -> None:
    record = await _record(ctx)
    if record is not None and record.state in _TRANSITIONAL:
        record.state = _TRANSITIONAL[record.state]


async def _run(ctx: StepContext) -> Mapping[str, Any] | None:
    kind = ctx.data["kind"]
    record = await _record(ctx)
    if record is None:  # unlinked while scheduled: nothing left to do
        return {"outcome": "gone"}
    tenant = await get_tenant(ctx.session, record.tenant_uuid)
    if tenant is None:
        raise StepFailed("The tenant is unknown to the network service.")
    clouds: Clouds = ctx.services[CLOUDS_KEY]
    cloud = await clouds.tenant(record.tenant_uuid)
    handler = HANDLERS[(kind, ctx.data["operation"])]
    job = Operation(ctx.session, record, tenant, cloud, ctx.data.get("params") or {}, clouds)
    try:
        outcome = await handler(job)
    except Unavailable:
        raise  # worth another attempt
    except ApiError as error:
        # The cloud refused: another attempt would be refused too.
        raise StepFailed(error.message) from error
    actor = Actor.from_data(dict(ctx.data))
    if outcome is Outcome.DELETED:
        await resource_event(ctx.session, kind, DELETED, record, actor=actor)
        await ctx.session.delete(record)
    else:
        record.state, record.error_message = ResourceState.OK.value, ""
        await ctx.session.flush()
        await resource_event(ctx.session, kind, UPDATED, record, actor=actor)
    return {"outcome": outcome.value}


async def _failed(ctx: StepContext, reason: str) -> None:
    record = await _record(ctx)
    if record is None:
        return
    prefix = f"step '{ctx.step}' failed: "
    record.state = ResourceState.ERRED.value
    record.error_message = reason.removeprefix(prefix)
    await ctx.session.flush()
    await resource_event(ctx.session, ctx.data["kind"], UPDATED, record, actor=SYSTEM)


network_operation = Saga(
    "network-operation",
    steps=[
        Step("begin", _begin),
        Step("run", _run, deadline=timedelta(minutes=5), max_attempts=3),
    ],
    on_failure=_failed,
)
"""The one saga of the network service: see the module's docstring."""


def gone(label: str, backend_id: str) -> StepFailed:
    """The failure of an operation whose resource the cloud no longer has."""
    return StepFailed(f"The cloud has no {label.lower()} {backend_id} any more.")
