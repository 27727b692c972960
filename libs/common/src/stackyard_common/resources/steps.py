"""What every saga step on a resource record starts from, and how steps treat the
cloud's answers.

A step reads its record in a short transaction of its own and writes through
`ctx.session` at the end: no database connection is held while the cloud answers. It
finds its service's runtime (the database, the tenants' cloud clients, and whatever the
service adds) in the worker's context, `ctx.services`, under the key the service names
with a `RuntimeKey`.

A refusal by the cloud (quota, conflict, bad request, permission) will be refused again:
the step fails at once with the cloud's message. An outage or a timeout may pass: the
runner tries the step again, with back-off, until its attempts or deadline run out.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import update

from stackyard_common.db import Database
from stackyard_common.openstack import ApiError, OpenStackClient, Unauthorized, Unavailable
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import ResourceColumns
from stackyard_common.sagas import Action, Step, StepContext, StepFailed

__all__ = [
    "RecordStep",
    "RuntimeKey",
    "StepAction",
    "StepRuntime",
    "TenantClouds",
    "actor_of",
    "cloud_step",
    "order_of",
    "refusals_fail",
]

R = TypeVar("R", bound=ResourceColumns)
StepAction = Callable[[StepContext], Awaitable[Mapping[str, Any] | None]]


class TenantClouds(Protocol):
    """Cloud sessions scoped to one tenant each."""

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        """The client of `tenant`'s own user in its cloud project."""


class StepRuntime(Protocol):
    """What a step needs of its service's runtime."""

    @property
    def database(self) -> Database:
        """The service's database."""

    @property
    def clouds(self) -> TenantClouds:
        """The tenants' cloud clients."""


T = TypeVar("T", bound=StepRuntime)
T_co = TypeVar("T_co", bound=StepRuntime, covariant=True)


@dataclass(frozen=True, slots=True)
class RuntimeKey(Generic[T_co]):
    """Where a service keeps its runtime (of type `T_co`) in a worker's context."""

    name: str

    def of(self, services: Mapping[str, Any]) -> T_co:
        """The runtime in a worker's context (a saga step's `ctx.services`)."""
        runtime: T_co = services[self.name]
        return runtime


def refusals_fail(action: StepAction) -> StepAction:
    """`action`, with the cloud's refusals turned into `StepFailed`."""

    @wraps(action)
    async def run(ctx: StepContext) -> Mapping[str, Any] | None:
        try:
            return await action(ctx)
        except Unavailable:
            raise
        except Unauthorized as error:
            raise StepFailed(f"the cloud refused the credentials: {error}") from error
        except ApiError as error:
            raise StepFailed(str(error)) from error

    return run


def cloud_step(
    name: str,
    action: Action | None,
    compensate: Action | None = None,
    *,
    deadline: timedelta = timedelta(minutes=10),
    poll: Any = None,
) -> Step:
    """A step that calls the cloud: tried often and soon, since most failures worth
    retrying pass within seconds and every step finds what an earlier attempt made."""
    return Step(
        name,
        action,
        compensate=compensate,
        max_attempts=10,
        retry_base=timedelta(seconds=0.5),
        deadline=deadline,
        poll=poll,
    )


def order_of(ctx: StepContext) -> uuid.UUID | None:
    """The marketplace order the run fulfils, if any."""
    value = ctx.data.get("order_uuid")
    return uuid.UUID(str(value)) if value else None


def actor_of(ctx: StepContext) -> Actor:
    """Who asked for the run."""
    return Actor.from_payload(dict(ctx.data))


@dataclass
class RecordStep(Generic[T, R]):
    """A step's view of its service's runtime, its record and the tenant's cloud."""

    ctx: StepContext
    runtime: T
    record: R

    @classmethod
    async def load(
        cls, ctx: StepContext, runtime: RuntimeKey[T], model: type[R]
    ) -> RecordStep[T, R]:
        """The run's record, with the runtime found under `runtime`; `StepFailed` when
        the record is gone."""
        found = runtime.of(ctx.services)
        async with found.database.session() as session:
            record = await session.get(model, ctx.resource_uuid)
        if record is None:
            raise StepFailed(f"{model.__name__.lower()} {ctx.resource_uuid} no longer exists")
        return cls(ctx, found, record)

    async def client(self) -> OpenStackClient:
        """The client of the record's tenant."""
        return await self.runtime.clouds.client(self.record.tenant_uuid)

    async def save(self, **fields: Any) -> None:
        """Write `fields` in the step's transaction (and to the loaded record)."""
        for name, value in fields.items():
            setattr(self.record, name, value)
        model = type(self.record)
        await self.ctx.session.execute(
            update(model).where(model.uuid == self.record.uuid).values(**fields)
        )
