"""What users, staff, marketplace and compute do to existing volumes.

Each action that starts cloud work checks the volume's state (409 when it forbids the
action or a saga works on it), moves it to a scheduled state, starts its saga and says
so by event, all in the caller's transaction. `set_erred`, `set_ok` and `unlink` change
only the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, ValidationFailed
from stackyard_common.resources.access import ensure_idle
from stackyard_common.resources.events import SYSTEM, Actor
from stackyard_common.resources.records import SETTLED_STATES, ResourceState
from stackyard_common.sagas import Saga, start_saga
from stackyard_common.tenants import get_tenant
from stackyard_storage.common.cloud import gib
from stackyard_storage.common.runtime import StorageRuntime
from stackyard_storage.volumes import sagas
from stackyard_storage.volumes.events import DELETED, STATE_CHANGED, volume_event
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.quotas import check_quotas

__all__ = [
    "InstanceRef",
    "attach",
    "detach",
    "extend",
    "force_state",
    "pull",
    "schedule_delete",
    "unlink",
]

OK = ResourceState.OK.value


@dataclass(frozen=True, slots=True)
class InstanceRef:
    """An instance as compute describes it: where to attach a volume."""

    uuid: UUID
    name: str
    tenant_uuid: UUID
    server_id: str


async def _start(
    session: AsyncSession,
    volume: Volume,
    saga: Saga,
    state: ResourceState,
    actor: Actor,
    order: UUID | None = None,
    **data: Any,
) -> None:
    volume.state = state.value
    await session.flush()
    if order is not None:
        data["order_uuid"] = str(order)
    await start_saga(session, saga, volume.uuid, {**data, **actor.as_data()})
    await volume_event(session, STATE_CHANGED, volume, actor=actor, order=order)


async def schedule_delete(
    session: AsyncSession, volume: Volume, actor: Actor = SYSTEM, order: UUID | None = None
) -> None:
    """Delete a settled volume that no instance holds (DELETION_SCHEDULED)."""
    await ensure_idle(session, volume, *SETTLED_STATES)
    if volume.instance_uuid is not None:
        raise Conflict(
            f"The volume is attached to instance {volume.instance_name or volume.instance_uuid}: "
            "detach it first."
        )
    await _start(
        session, volume, sagas.delete_volume, ResourceState.DELETION_SCHEDULED, actor, order
    )


async def extend(
    session: AsyncSession, runtime: StorageRuntime, volume: Volume, size: int, actor: Actor
) -> None:
    """Grow the volume to `size` MiB, if the tenant's quotas allow (UPDATE_SCHEDULED)."""
    await ensure_idle(session, volume, OK)
    if gib(size) <= gib(volume.size):
        raise ValidationFailed.field(
            "disk_size", f"The new size must be larger than {volume.size} MiB."
        )
    tenant = await get_tenant(session, volume.tenant_uuid)
    if tenant is None or not tenant.usable:
        raise Conflict("The volume's tenant is not usable now.")
    await check_quotas(
        session,
        await runtime.clouds.client(volume.tenant_uuid),
        volume.tenant_uuid,
        tenant.backend_id,
        {"gigabytes": gib(size) - gib(volume.size)},
        field="disk_size",
        type_name=volume.type_name,
    )
    await _start(
        session, volume, sagas.extend_volume, ResourceState.UPDATE_SCHEDULED, actor, size=size
    )


async def attach(
    session: AsyncSession, volume: Volume, instance: InstanceRef, actor: Actor
) -> None:
    """Attach an available volume to an instance of its tenant (UPDATE_SCHEDULED)."""
    await ensure_idle(session, volume, OK)
    if instance.tenant_uuid != volume.tenant_uuid:
        raise ValidationFailed.field("instance", "The instance is in another tenant.")
    if volume.instance_uuid is not None or volume.runtime_state == "in-use":
        raise Conflict("The volume is attached already.")
    await _start(
        session,
        volume,
        sagas.attach_volume,
        ResourceState.UPDATE_SCHEDULED,
        actor,
        server_id=instance.server_id,
        instance_uuid=str(instance.uuid),
        instance_name=instance.name,
    )


async def detach(session: AsyncSession, volume: Volume, actor: Actor) -> None:
    """Detach an attached data volume from its instance (UPDATE_SCHEDULED)."""
    await ensure_idle(session, volume, OK)
    if volume.instance_uuid is None and volume.runtime_state != "in-use":
        raise Conflict("The volume is not attached.")
    if volume.bootable and volume.role == "system":
        raise Conflict("The instance boots from this volume: it cannot be detached.")
    await _start(session, volume, sagas.detach_volume, ResourceState.UPDATE_SCHEDULED, actor)


async def pull(session: AsyncSession, volume: Volume, actor: Actor) -> None:
    """Read the volume's status and size back from the cloud."""
    await ensure_idle(session, volume, *SETTLED_STATES)
    await start_saga(session, sagas.pull_volume, volume.uuid, actor.as_data())


async def force_state(
    session: AsyncSession, volume: Volume, state: ResourceState, error: str, actor: Actor
) -> None:
    """`set_erred` / `set_ok`: the record only."""
    volume.state, volume.error_message = state.value, error
    await session.flush()
    await volume_event(session, STATE_CHANGED, volume, actor=actor)


async def unlink(session: AsyncSession, volume: Volume, actor: Actor) -> None:
    """Forget the volume without touching the cloud."""
    await volume_event(session, DELETED, volume, actor=actor)
    await session.execute(delete(Volume).where(Volume.uuid == volume.uuid))
