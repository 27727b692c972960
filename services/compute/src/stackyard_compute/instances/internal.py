"""Compute's internal API (compute's own port, service tokens only).

GET  /internal/instances/{uuid}      the instance: its tenant, server id and states
                                     (storage asks before attaching a volume)
POST /internal/instances/validate    would compute make this instance?
                                     `{"tenant_uuid", "attributes"}` → 200
                                     `{"attributes": {...}}` or 400 with field errors
                                     under `attributes` (marketplace asks before it
                                     accepts an `OpenStack.Instance` order)
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticError

from stackyard_common.api import NotFound, ValidationFailed
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import usable_tenant
from stackyard_compute.common.runtime import ComputeRuntimeDep
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.planning import check_volumes, plan_instance
from stackyard_compute.instances.schemas import InstanceAttributes, field_errors

__all__ = ["router"]

router = APIRouter(prefix="/internal/instances", include_in_schema=False)


class InternalInstance(BaseModel):
    uuid: UUID
    name: str
    tenant_uuid: UUID
    project_uuid: UUID
    customer_uuid: UUID
    backend_id: str
    state: str
    runtime_state: str


class InstanceValidation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant_uuid: UUID
    attributes: dict[str, object]


@router.get("/{instance_uuid}")
async def read(instance_uuid: UUID, caller: ServiceCaller, session: SessionDep) -> InternalInstance:
    instance = await session.get(Instance, instance_uuid)
    if instance is None:
        raise NotFound("No such instance.")
    return InternalInstance.model_validate(instance, from_attributes=True)


@router.post("/validate")
async def validate(
    data: InstanceValidation,
    caller: ServiceCaller,
    session: SessionDep,
    runtime: ComputeRuntimeDep,
) -> dict[str, object]:
    tenant = await usable_tenant(session, data.tenant_uuid, "offering")
    try:
        attributes = InstanceAttributes.model_validate(data.attributes)
    except PydanticError as error:
        raise ValidationFailed(field_errors(error, "attributes.")) from error
    planned = await plan_instance(
        session, tenant, attributes, prefix="attributes.", settings=runtime.compute
    )
    await check_volumes(runtime, tenant, planned, prefix="attributes.")
    return {"attributes": attributes.model_dump(mode="json")}
