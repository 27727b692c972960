"""`GET /internal/tenants/{uuid}/session`: the tenant's own user and cloud project, for
the services that work inside tenants (see `stackyard_common.tenants.sessions`).

Identity's own port, service tokens only; every read is in the audit log (not as an
event: the answer holds a password).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from stackyard_common.api import NotFound
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_common.tenants import TENANT_SESSION_PATH
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.cloud_connections import repository as connections
from stackyard_identity.tenants import repository as tenants
from stackyard_identity.tenants.runtime import TenantRuntimeDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get(TENANT_SESSION_PATH.replace("{uuid}", "{tenant_uuid}"))
async def tenant_session(
    tenant_uuid: uuid.UUID, caller: ServiceCaller, session: SessionDep, runtime: TenantRuntimeDep
) -> JSONResponse:
    tenant = await tenants.by_uuid(session, tenant_uuid)
    if tenant is None:
        raise NotFound("No such tenant.")
    if not tenant.backend_id or not tenant.user_password_encrypted:
        raise NotFound("The tenant has no cloud project or user yet.")
    connection = await connections.by_uuid(session, tenant.connection_uuid)
    if connection is None:
        raise NotFound("The tenant's cloud connection is gone.")
    box = (await runtime.clouds.identity_keys()).box
    await record_change(
        session,
        Actor(None, f"service:{caller}"),
        "tenant.session_read.v1",
        f"The session credentials of tenant {tenant.name} were read by service {caller}.",
        resource_type="tenant",
        resource_uuid=tenant.uuid,
        resource_name=tenant.name,
        customer=tenant.customer_uuid,
        project=tenant.project_uuid,
        publish_event=False,
    )
    return JSONResponse(
        {
            "tenant_uuid": str(tenant.uuid),
            "cloud_connection_uuid": str(connection.uuid),
            "auth_url": connection.backend_url,
            "username": tenant.user_username,
            "password": box.decrypt(tenant.user_password_encrypted),
            "user_domain": connection.domain,
            "project_id": tenant.backend_id,
            "verify_ssl": connection.verify_ssl,
            "availability_zone": tenant.availability_zone or connection.availability_zone,
        },
        headers={"Cache-Control": "no-store"},
    )
