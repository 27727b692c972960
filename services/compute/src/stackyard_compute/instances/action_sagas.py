"""The sagas of instance actions, owned by compute. Each starts with mark-updating (or
mark-deleting) and ends with mark-ok (the instance OK, its runtime state the cloud's),
or, on failure, ERRED with the reason.

start / stop / restart   power, wait for ACTIVE / SHUTOFF / ACTIVE
change-flavor            resize, wait VERIFY_RESIZE, confirm, wait settled
attach-volume            storage attaches, wait until storage says attached here
detach-volume            storage detaches, wait until storage says detached
assign-floating-ip       a new or existing floating IP on the first port
update-security-groups   every port in the new groups
pull-instance            read the server's status back
delete-instance          floating IPs, server (wait gone), volumes unlinked (kept),
                         ports, key pair, the record
force-destroy-instance   the same, and the volumes deleted (wait gone) too
"""

from __future__ import annotations

from collections.abc import Sequence

from stackyard_common.resources.marks import forget
from stackyard_common.resources.records import ResourceState
from stackyard_common.resources.steps import cloud_step
from stackyard_common.sagas import Poll, Saga, Step
from stackyard_compute.common.runtime import RUNTIME
from stackyard_compute.instances import action_steps as act
from stackyard_compute.instances import provision_steps as made
from stackyard_compute.instances.events import DELETED, instance_event
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.provisioning import FAST_POLL, instance_failed, instance_mark

__all__ = ["ACTION_SAGAS", "DELETE_SAGAS", "action_saga"]


def _wait(name: str, check: act.Check) -> Step:
    return cloud_step(name, None, poll=Poll(check, interval=FAST_POLL))


def _updating(name: str, steps: Sequence[Step], *keep: str) -> Saga:
    return Saga(
        name,
        steps=[
            instance_mark(ResourceState.UPDATING),
            *steps,
            instance_mark(ResourceState.OK, "runtime_state", *keep),
        ],
        on_failure=instance_failed,
    )


def _power(operation: str) -> Saga:
    return _updating(
        f"{operation}-instance",
        [cloud_step(operation, act.change_power), _wait("wait-power", act.power_settled)],
    )


ACTION_SAGAS = {
    "start": _power("start"),
    "stop": _power("stop"),
    "restart": _power("restart"),
    "change_flavor": _updating(
        "change-flavor",
        [
            cloud_step("resize", act.resize),
            _wait("wait-resized", act.resized),
            cloud_step("confirm-resize", act.confirm_resize),
            _wait("wait-confirmed", act.resize_confirmed),
        ],
        "flavor_backend_id",
        "flavor_name",
        "cores",
        "ram",
    ),
    "attach_volume": _updating(
        "attach-volume",
        [Step("request-attach", act.request_attach), _wait("wait-attached", act.volume_settled)],
    ),
    "detach_volume": _updating(
        "detach-volume",
        [Step("request-detach", act.request_detach), _wait("wait-detached", act.volume_settled)],
    ),
    "assign_floating_ip": _updating(
        "assign-floating-ip", [cloud_step("create-floating-ips", made.create_floating_ips)]
    ),
    "update_security_groups": _updating(
        "update-security-groups", [cloud_step("set-security-groups", act.set_security_groups)]
    ),
    "pull": Saga(
        "pull-instance",
        steps=[
            cloud_step("pull", act.pull_server),
            instance_mark(ResourceState.OK, "runtime_state"),
        ],
        on_failure=instance_failed,
    ),
}


def _teardown(name: str, destroy_volumes: bool) -> Saga:
    volume_steps = (
        [
            cloud_step("delete-volumes", act.delete_all_volumes),
            _wait("wait-volumes-gone", act.volumes_gone),
        ]
        if destroy_volumes
        else []
    )
    return Saga(
        name,
        steps=[
            instance_mark(ResourceState.DELETING),
            cloud_step("release-floating-ips", made.release_floating_ips),
            cloud_step("delete-server", made.delete_server),
            cloud_step("unlink-volumes", act.unlink_all_volumes),
            *volume_steps,
            cloud_step("delete-ports", made.delete_ports),
            cloud_step("delete-keypair", made.delete_keypair),
            Step("forget-instance", forget(RUNTIME, Instance, instance_event, DELETED)),
        ],
        on_failure=instance_failed,
    )


DELETE_SAGAS = {
    "destroy": _teardown("delete-instance", destroy_volumes=False),
    "force_destroy": _teardown("force-destroy-instance", destroy_volumes=True),
}


def action_saga(action: str) -> Saga:
    """The saga of `action` (an action's name, `destroy` or `force_destroy`)."""
    return ACTION_SAGAS.get(action) or DELETE_SAGAS[action]
