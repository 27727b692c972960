"""The volume sagas, owned by storage.

create-volume / restore-volume
 1 mark-creating          state CREATING
 2 create-volume          the Cinder volume (from image, snapshot or backup), marked with
                          the record's uuid            compensation: delete it, wait gone
 3 wait-available         poll until `available`
 4 mark-ok                state OK, the order done
delete-volume             mark-deleting, delete-volume (wait gone), forget-volume
extend-volume             mark-updating, extend, wait-extended, mark-ok
attach-volume             mark-updating, attach (Nova), wait-in-use, mark-ok
detach-volume             mark-updating, detach (Nova), wait-available, mark-ok
pull-volume               pull (status, size), mark-ok
On failure the volume (and its order) end ERRED with the cloud's message; what a
creation made is removed first.
"""

from __future__ import annotations

from datetime import timedelta

from stackyard_common.resources.marks import forget, mark, mark_erred
from stackyard_common.resources.records import ResourceState
from stackyard_common.resources.steps import cloud_step
from stackyard_common.sagas import Poll, Saga, Step
from stackyard_storage.common.runtime import RUNTIME
from stackyard_storage.volumes.events import DELETED, STATE_CHANGED, volume_event
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.steps import (
    attach_cloud_volume,
    create_cloud_volume,
    delete_cloud_volume,
    detach_cloud_volume,
    extend_cloud_volume,
    pull_cloud_volume,
    volume_available,
    volume_detached,
    volume_extended,
    volume_in_use,
)

__all__ = [
    "SAGAS",
    "attach_volume",
    "create_volume",
    "delete_volume",
    "detach_volume",
    "extend_volume",
    "pull_volume",
]

POLL = timedelta(seconds=0.5)
ATTACHMENT = ("runtime_state", "device", "instance_uuid", "instance_name")


def _mark(state: ResourceState, *keep: str) -> Step:
    final = state is ResourceState.OK
    return Step(
        f"mark-{state.value.lower()}",
        mark(RUNTIME, Volume, volume_event, STATE_CHANGED, state, final=final, keep=keep),
    )


def _wait(name: str, check: object) -> Step:
    return cloud_step(name, None, poll=Poll(check, interval=POLL))  # type: ignore[arg-type]


_erred = mark_erred(RUNTIME, Volume, volume_event, STATE_CHANGED)

create_volume = Saga(
    "create-volume",
    steps=[
        _mark(ResourceState.CREATING),
        cloud_step("create-volume", create_cloud_volume, delete_cloud_volume),
        _wait("wait-available", volume_available),
        _mark(ResourceState.OK, "runtime_state", "bootable", "size"),
    ],
    on_failure=_erred,
)

delete_volume = Saga(
    "delete-volume",
    steps=[
        _mark(ResourceState.DELETING),
        cloud_step("delete-volume", delete_cloud_volume),
        Step("forget-volume", forget(RUNTIME, Volume, volume_event, DELETED)),
    ],
    on_failure=_erred,
)

extend_volume = Saga(
    "extend-volume",
    steps=[
        _mark(ResourceState.UPDATING),
        cloud_step("extend", extend_cloud_volume),
        _wait("wait-extended", volume_extended),
        _mark(ResourceState.OK, "runtime_state", "size"),
    ],
    on_failure=_erred,
)

attach_volume = Saga(
    "attach-volume",
    steps=[
        _mark(ResourceState.UPDATING),
        cloud_step("attach", attach_cloud_volume),
        _wait("wait-in-use", volume_in_use),
        _mark(ResourceState.OK, *ATTACHMENT),
    ],
    on_failure=_erred,
)

detach_volume = Saga(
    "detach-volume",
    steps=[
        _mark(ResourceState.UPDATING),
        cloud_step("detach", detach_cloud_volume),
        _wait("wait-available", volume_detached),
        _mark(ResourceState.OK, *ATTACHMENT),
    ],
    on_failure=_erred,
)

pull_volume = Saga(
    "pull-volume",
    steps=[
        cloud_step("pull", pull_cloud_volume),
        _mark(ResourceState.OK, "runtime_state", "size", "bootable"),
    ],
    on_failure=_erred,
)

SAGAS = (create_volume, delete_volume, extend_volume, attach_volume, detach_volume, pull_volume)
