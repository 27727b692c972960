"""The instance provisioning saga, owned by compute.

provision-instance
 1 wait-for-provisioning-slot  a slot of MAX_CONCURRENT_PROVISION for the instance's cloud
                               (the instance says it waits)   compensation: give it back
 2 mark-creating               state CREATING
 3 create-volumes              system (from the image) and data volumes, by storage
                                                              compensation: storage deletes
 4 wait-volumes                poll storage until both are OK
 5 create-ports                ports with fixed IPs and security groups
                                                              compensation: delete them
 6 create-keypair              the SSH key as a Nova key pair  compensation: delete it
 7 create-server               boot from the system volume    compensation: delete, wait gone
 8 wait-active                 poll until ACTIVE (deadline INSTANCE_ACTIVE_TIMEOUT)
 9 link-volumes                storage learns the attachments  compensation: unlink
10 create-floating-ips         new or existing, on the first port
                                                              compensation: release
11 release-slot                the slot goes back
12 mark-ok                     state OK, the order done
On failure everything made is removed in reverse; the slot goes back and the instance
(and its order) end ERRED with the reason.
"""

from __future__ import annotations

from datetime import timedelta

from stackyard_common.resources.marks import mark, mark_erred
from stackyard_common.resources.records import ResourceState
from stackyard_common.resources.steps import cloud_step
from stackyard_common.sagas import Poll, Saga, Step, StepContext
from stackyard_compute.common.runtime import RUNTIME
from stackyard_compute.common.settings import compute_settings
from stackyard_compute.instances import provision_steps as steps
from stackyard_compute.instances.context import load
from stackyard_compute.instances.events import STATE_CHANGED, instance_event
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.slot_steps import free_slot, release_slot, take_slot

__all__ = ["FAST_POLL", "instance_failed", "instance_mark", "provision_instance"]

FAST_POLL = timedelta(seconds=0.5)
SLOT_WAIT = timedelta(hours=2)


def instance_mark(state: ResourceState, *keep: str) -> Step:
    """A step that moves the instance to `state` (OK ends the run well)."""
    final = state is ResourceState.OK
    action = mark(RUNTIME, Instance, instance_event, STATE_CHANGED, state, final=final, keep=keep)
    return Step(f"mark-{state.value.lower()}", action)


_erred = mark_erred(RUNTIME, Instance, instance_event, STATE_CHANGED)


async def instance_failed(ctx: StepContext, error: str) -> None:
    """The failure hook: the slot goes back; the instance and its order end ERRED."""
    try:
        await free_slot(await load(ctx))
    finally:
        await _erred(ctx, error)


provision_instance = Saga(
    "provision-instance",
    steps=[
        Step(
            "wait-for-provisioning-slot",
            None,
            compensate=release_slot,
            poll=Poll(take_slot, interval=FAST_POLL),
            deadline=SLOT_WAIT,
        ),
        instance_mark(ResourceState.CREATING),
        cloud_step("create-volumes", steps.create_volumes, steps.delete_volumes),
        cloud_step("wait-volumes", None, poll=Poll(steps.volumes_ready, interval=FAST_POLL)),
        cloud_step("create-ports", steps.create_ports, steps.delete_ports),
        cloud_step("create-keypair", steps.create_keypair, steps.delete_keypair),
        cloud_step("create-server", steps.create_server, steps.delete_server),
        cloud_step(
            "wait-active",
            None,
            poll=Poll(steps.server_active, interval=FAST_POLL),
            deadline=timedelta(seconds=compute_settings().instance_active_timeout),
        ),
        cloud_step("link-volumes", steps.link_volumes, steps.unlink_volumes),
        cloud_step("create-floating-ips", steps.create_floating_ips, steps.release_floating_ips),
        Step("release-slot", release_slot),
        instance_mark(ResourceState.OK, "runtime_state"),
    ],
    on_failure=instance_failed,
)
