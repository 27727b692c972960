"""`/api/openstack-instances/{uuid}/...`: power, flavor, volumes, floating IP, security
groups and the console, and staff's `pull`, `set_erred`, `set_ok` and `unlink`. Every
action that starts cloud work answers 202; its end shows in the instance's state (OK, or
ERRED with the reason). The console answers its URL at once."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from stackyard_common.api import Conflict, PermissionDenied, ServiceUnavailable
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_common.openstack import ApiError, Unavailable
from stackyard_common.resources.access import get_visible, require_writer
from stackyard_common.resources.action_routes import add_pull_route, add_staff_routes
from stackyard_common.resources.events import Actor
from stackyard_compute.common.runtime import ComputeRuntimeDep
from stackyard_compute.instances import actions
from stackyard_compute.instances.endpoints import ERRORS, writable_instance
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.schemas import (
    AttachVolumeRequest,
    ChangeFlavorRequest,
    FloatingIpRequest,
    SecurityGroupsRequest,
)
from stackyard_compute.instances.views import COLLECTION

__all__ = ["router"]

router = APIRouter(prefix=COLLECTION, tags=["openstack-instances"])
ACCEPTED = {"status": "accepted"}
CODE = status.HTTP_202_ACCEPTED


class ConsoleUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str


def _power_route(operation: str) -> None:
    async def run(
        instance_uuid: UUID, principal: CurrentUser, session: SessionDep
    ) -> dict[str, str]:
        instance = await writable_instance(session, principal, instance_uuid)
        await actions.power(session, instance, operation, Actor.of(principal))
        return ACCEPTED

    router.add_api_route(
        f"/{{instance_uuid}}/{operation}/",
        run,
        methods=["POST"],
        status_code=CODE,
        responses=ERRORS,
        summary=f"{operation.capitalize()} the instance",
        operation_id=f"openstack_instances_{operation}",
    )


for _operation in actions.POWER:
    _power_route(_operation)


@router.post(
    "/{instance_uuid}/change_flavor/", status_code=CODE, responses=ERRORS, summary="Resize"
)
async def change_flavor(
    instance_uuid: UUID, principal: CurrentUser, session: SessionDep, data: ChangeFlavorRequest
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.change_flavor(session, instance, data.flavor, Actor.of(principal))
    return ACCEPTED


@router.post(
    "/{instance_uuid}/attach_volume/", status_code=CODE, responses=ERRORS, summary="Attach"
)
async def attach_volume(
    instance_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: ComputeRuntimeDep,
    data: AttachVolumeRequest,
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.attach_volume(session, runtime, instance, data.volume, Actor.of(principal))
    return ACCEPTED


@router.post(
    "/{instance_uuid}/detach_volume/", status_code=CODE, responses=ERRORS, summary="Detach"
)
async def detach_volume(
    instance_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    runtime: ComputeRuntimeDep,
    data: AttachVolumeRequest,
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.detach_volume(session, runtime, instance, data.volume, Actor.of(principal))
    return ACCEPTED


@router.post(
    "/{instance_uuid}/assign_floating_ip/",
    status_code=CODE,
    responses=ERRORS,
    summary="A new floating IP, or the tenant's `ip_address`, on the first port",
)
async def assign_floating_ip(
    instance_uuid: UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: FloatingIpRequest | None = None,
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.assign_floating_ip(
        session,
        instance,
        Actor.of(principal),
        address=data.ip_address if data else None,
        existing=data.url if data else None,
    )
    return ACCEPTED


@router.post(
    "/{instance_uuid}/update_security_groups/",
    status_code=CODE,
    responses=ERRORS,
    summary="Put every port in these security groups",
)
async def update_security_groups(
    instance_uuid: UUID, principal: CurrentUser, session: SessionDep, data: SecurityGroupsRequest
) -> dict[str, str]:
    instance = await writable_instance(session, principal, instance_uuid)
    await actions.update_security_groups(
        session, instance, data.security_groups, Actor.of(principal)
    )
    return ACCEPTED


async def _console(
    instance_uuid: UUID, principal: CurrentUser, session: SessionDep, runtime: ComputeRuntimeDep
) -> ConsoleUrl:
    instance = await get_visible(session, principal, Instance, instance_uuid)
    if not principal.is_staff:
        if not runtime.compute.allow_customer_users_openstack_console_access:
            raise PermissionDenied("Console access is for staff only.")
        await require_writer(session, principal, instance)
    if not instance.backend_id:
        raise Conflict("The instance has no server yet.")
    client = await runtime.clouds.client(instance.tenant_uuid)
    try:
        return ConsoleUrl(url=await client.compute.get_console_url(instance.backend_id))
    except Unavailable as error:
        raise ServiceUnavailable("The cloud did not answer.") from error
    except ApiError as error:
        raise Conflict(f"The cloud refused: {error.message}") from error


# One route per method: a route with two methods gets one operation id for both, made
# from whichever method its set yields first, so the OpenAPI document changed between runs.
for method in ("GET", "POST"):
    router.add_api_route(
        "/{instance_uuid}/console/",
        _console,
        methods=[method],
        responses=ERRORS,
        summary="The VNC console's URL (ALLOW_CUSTOMER_USERS_OPENSTACK_CONSOLE_ACCESS)",
    )


add_pull_route(
    router,
    key="instance_uuid",
    writable=writable_instance,
    pull=actions.pull,
    responses=ERRORS,
    summary="Pull",
)
add_staff_routes(
    router,
    Instance,
    key="instance_uuid",
    label="Instance",
    force_state=actions.force_state,
    unlink=actions.unlink,
    responses=ERRORS,
    unlink_summary="Forget the instance, leaving the cloud as it is (staff)",
)
