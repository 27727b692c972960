"""What users, staff and marketplace do to existing instances.

Each action that starts cloud work checks the instance's state (409 when it forbids the
action or a saga works on it), moves it to a scheduled state, starts its saga and says
so by event, all in the caller's transaction:

    start            SHUTOFF           stop, restart     ACTIVE
    change_flavor    SHUTOFF, another flavor of the tenant
    attach_volume    an available volume of the tenant    detach_volume  one attached here
    assign_floating_ip   an instance without one           update_security_groups  any
    destroy / force_destroy   OK and SHUTOFF, or ERRED
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, ValidationFailed
from stackyard_common.resources.access import ensure_idle
from stackyard_common.resources.events import SYSTEM, Actor
from stackyard_common.resources.records import SETTLED_STATES, ResourceState
from stackyard_common.resources.references import parse_reference
from stackyard_common.sagas import saga_progress, start_saga
from stackyard_compute.common.runtime import ComputeRuntime
from stackyard_compute.flavors.models import Flavor
from stackyard_compute.flavors.properties import find
from stackyard_compute.instances import storage_client
from stackyard_compute.instances.action_sagas import action_saga
from stackyard_compute.instances.events import DELETED, STATE_CHANGED, instance_event
from stackyard_compute.instances.models import Instance

__all__ = [
    "POWER",
    "assign_floating_ip",
    "attach_volume",
    "change_flavor",
    "detach_volume",
    "force_state",
    "power",
    "pull",
    "schedule_delete",
    "unlink",
    "update_security_groups",
]

OK = ResourceState.OK.value
POWER = {"start": "SHUTOFF", "stop": "ACTIVE", "restart": "ACTIVE"}


async def _start(
    session: AsyncSession,
    instance: Instance,
    action: str,
    actor: Actor,
    state: ResourceState = ResourceState.UPDATE_SCHEDULED,
    order: uuid.UUID | None = None,
    **data: Any,
) -> None:
    instance.state = state.value
    await session.flush()
    if order is not None:
        data["order_uuid"] = str(order)
    await start_saga(session, action_saga(action), instance.uuid, {**data, **actor.as_data()})
    await instance_event(session, STATE_CHANGED, instance, actor=actor, order=order)


def _runtime(instance: Instance, *wanted: str) -> None:
    if instance.runtime_state not in wanted:
        raise Conflict(
            f"The instance is {instance.runtime_state or 'not running'}; this needs "
            f"{' or '.join(wanted)}."
        )


async def power(session: AsyncSession, instance: Instance, operation: str, actor: Actor) -> None:
    """Start, stop or restart the instance."""
    await ensure_idle(session, instance, OK)
    _runtime(instance, POWER[operation])
    await _start(session, instance, operation, actor, operation=operation)


async def change_flavor(
    session: AsyncSession, instance: Instance, reference: str, actor: Actor
) -> None:
    """Resize a stopped instance to another flavor of its tenant."""
    await ensure_idle(session, instance, OK)
    _runtime(instance, "SHUTOFF")
    flavor = await find(session, Flavor, instance.tenant_uuid, reference)
    if flavor is None:
        raise ValidationFailed.field("flavor", "No such flavor in the tenant.")
    if flavor.backend_id == instance.flavor_backend_id:
        raise ValidationFailed.field("flavor", "The instance has this flavor already.")
    await _start(
        session,
        instance,
        "change_flavor",
        actor,
        flavor_id=flavor.backend_id,
        flavor_backend_id=flavor.backend_id,
        flavor_name=flavor.name,
        cores=flavor.cores,
        ram=flavor.ram,
    )


async def _volume(runtime: ComputeRuntime, instance: Instance, reference: str) -> dict[str, Any]:
    found = await storage_client.read(runtime, parse_reference("volume", reference))
    if found is None or found["tenant_uuid"] != str(instance.tenant_uuid):
        raise ValidationFailed.field("volume", "No such volume in the instance's tenant.")
    return found


async def attach_volume(
    session: AsyncSession,
    runtime: ComputeRuntime,
    instance: Instance,
    reference: str,
    actor: Actor,
) -> None:
    """Attach an available volume of the tenant (storage does, the instance waits)."""
    await ensure_idle(session, instance, OK)
    _runtime(instance, "ACTIVE", "SHUTOFF")
    volume = await _volume(runtime, instance, reference)
    if volume["state"] != OK or volume["instance_uuid"] is not None:
        raise Conflict("The volume is not available for attaching.")
    await _start(session, instance, "attach_volume", actor, volume_uuid=volume["uuid"], attach=True)


async def detach_volume(
    session: AsyncSession,
    runtime: ComputeRuntime,
    instance: Instance,
    reference: str,
    actor: Actor,
) -> None:
    """Detach one of the instance's data volumes."""
    await ensure_idle(session, instance, OK)
    volume = await _volume(runtime, instance, reference)
    if volume["instance_uuid"] != str(instance.uuid):
        raise Conflict("The volume is not attached to this instance.")
    if volume["role"] == "system":
        raise Conflict("The instance boots from this volume: it cannot be detached.")
    await _start(
        session, instance, "detach_volume", actor, volume_uuid=volume["uuid"], attach=False
    )


async def assign_floating_ip(
    session: AsyncSession,
    instance: Instance,
    actor: Actor,
    *,
    address: str | None = None,
    existing: str | None = None,
) -> None:
    """Give the instance's first port a floating IP: a new one, or the tenant's
    `existing` (network's floating IP, uuid or URL) or `address` (`PORTS_VIA=cloud`)."""
    await ensure_idle(session, instance, OK)
    if not instance.ports:
        raise Conflict("The instance has no port.")
    if instance.floating_ips:
        raise Conflict("The instance has a floating IP already.")
    floating = {
        "uuid": str(uuid.uuid4()),
        "floating_ip_uuid": str(parse_reference("url", existing)) if existing else None,
        "ip_address": address,
    }
    instance.plan = {**instance.plan, "floating_ips": [floating]}
    await _start(session, instance, "assign_floating_ip", actor)


async def update_security_groups(
    session: AsyncSession, instance: Instance, groups: list[str], actor: Actor
) -> None:
    """Put every port of the instance in `groups` (names or ids of the tenant's)."""
    await ensure_idle(session, instance, OK)
    if not groups:
        raise ValidationFailed.field("security_groups", "Give at least one group.")
    await _start(session, instance, "update_security_groups", actor, security_groups=groups)


async def pull(session: AsyncSession, instance: Instance, actor: Actor) -> None:
    """Read the instance's status back from the cloud."""
    await ensure_idle(session, instance, *SETTLED_STATES)
    await start_saga(session, action_saga("pull"), instance.uuid, actor.as_data())


async def schedule_delete(
    session: AsyncSession,
    instance: Instance,
    *,
    destroy_volumes: bool,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
) -> None:
    """DELETE (volumes kept) or force_destroy (volumes too): only in SHUTOFF and OK, or
    in ERRED; 409 otherwise."""
    deletable = instance.state == ResourceState.ERRED.value or (
        instance.state == OK and instance.runtime_state == "SHUTOFF"
    )
    if not deletable:
        raise Conflict(
            f"The instance is {instance.state} and {instance.runtime_state or 'not running'}: "
            "only a stopped (SHUTOFF) OK instance or an ERRED one can be deleted."
        )
    progress = await saga_progress(session, instance.uuid)
    if progress is not None and progress.state in ("running", "compensating"):
        raise Conflict(f"The instance is busy: {progress.text}.")
    action = "force_destroy" if destroy_volumes else "destroy"
    await _start(
        session, instance, action, actor, state=ResourceState.DELETION_SCHEDULED, order=order
    )


async def force_state(
    session: AsyncSession, instance: Instance, state: ResourceState, error: str, actor: Actor
) -> None:
    """`set_erred` / `set_ok`: the record only."""
    instance.state, instance.error_message = state.value, error
    await session.flush()
    await instance_event(session, STATE_CHANGED, instance, actor=actor)


async def unlink(session: AsyncSession, instance: Instance, actor: Actor) -> None:
    """Forget the instance without touching the cloud."""
    await instance_event(session, DELETED, instance, actor=actor)
    await session.execute(delete(Instance).where(Instance.uuid == instance.uuid))
