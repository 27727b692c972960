"""`POST /internal/tenants/validate`: marketplace asks, before it accepts an order for a
tenant, whether identity would provision it. Identity's own port, service tokens only.

Answers 200 `{"attributes": {...}}` (normalised, the external network resolved) or 400
with field errors under `attributes`; 503 when the cloud cannot be asked.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_identity.tenants.attributes import TenantAttributes
from stackyard_identity.tenants.runtime import TenantRuntimeDep
from stackyard_identity.tenants.validation import check_request

__all__ = ["VALIDATE_PATH", "TenantValidation", "router"]

VALIDATE_PATH = "/internal/tenants/validate"

router = APIRouter(include_in_schema=False)


class TenantValidation(BaseModel):
    """A tenant order to check: which cloud, for which organisation, asked with what."""

    model_config = ConfigDict(extra="forbid")

    cloud_connection_uuid: uuid.UUID
    customer_uuid: uuid.UUID
    attributes: TenantAttributes


@router.post(VALIDATE_PATH)
async def validate_tenant_order(
    data: TenantValidation, caller: ServiceCaller, session: SessionDep, runtime: TenantRuntimeDep
) -> dict[str, object]:
    checked = await check_request(
        session,
        runtime,
        data.cloud_connection_uuid,
        data.customer_uuid,
        data.attributes,
        connection_field="offering",
        prefix="attributes",
    )
    normalised = checked.attributes.model_copy(
        update={"external_network_id": checked.external_network_id}
    )
    return {"attributes": normalised.model_dump(mode="json")}
