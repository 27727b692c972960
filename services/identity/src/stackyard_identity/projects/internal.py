"""Projects and organisations for services that must know now (e.g. marketplace
validating an order for a project its projection has not heard of yet). Identity's own
port only, service tokens only.

    GET /internal/projects/{uuid}    {uuid, name, customer_uuid, customer_name}
    GET /internal/customers/{uuid}   {uuid, name}
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from stackyard_common.api import NotFound
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_identity.customers import repository

__all__ = ["CUSTOMER_PATH", "PROJECT_PATH", "router"]

PROJECT_PATH = "/internal/projects/{project_uuid}"
CUSTOMER_PATH = "/internal/customers/{customer_uuid}"

router = APIRouter(include_in_schema=False)


@router.get(PROJECT_PATH)
async def project_summary(
    project_uuid: uuid.UUID, caller: ServiceCaller, session: SessionDep
) -> dict[str, str]:
    project = await repository.project_by_uuid(session, project_uuid)
    if project is None:
        raise NotFound
    customer = await repository.customer_by_uuid(session, project.customer_uuid)
    return {
        "uuid": str(project.uuid),
        "name": project.name,
        "customer_uuid": str(project.customer_uuid),
        "customer_name": customer.name if customer else "",
    }


@router.get(CUSTOMER_PATH)
async def customer_summary(
    customer_uuid: uuid.UUID, caller: ServiceCaller, session: SessionDep
) -> dict[str, str]:
    customer = await repository.customer_by_uuid(session, customer_uuid)
    if customer is None:
        raise NotFound
    return {"uuid": str(customer.uuid), "name": customer.name}
