"""`GET /internal/cloud-connections/{uuid}/credentials`: decrypted credentials for
services. On identity's own port only: the gateway routes no `/internal/` path, and
only a service token is accepted (user tokens, even staff ones, are refused)."""

from __future__ import annotations

import uuid

import structlog
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from stackyard_common.api import NotFound
from stackyard_common.auth import CREDENTIALS_PATH, ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.cloud_connections import repository, service
from stackyard_identity.deps import KeysDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

log = structlog.get_logger(__name__)


@router.get(CREDENTIALS_PATH.replace("{uuid}", "{connection_uuid}"))
async def cloud_credentials(
    connection_uuid: uuid.UUID, caller: ServiceCaller, session: SessionDep, keys: KeysDep
) -> JSONResponse:
    connection = await repository.by_uuid(session, connection_uuid)
    if connection is None:
        raise NotFound
    secrets = service.credentials(keys.box, connection)
    log.info("cloud credentials served", connection=str(connection.uuid), caller=caller)
    await record_change(
        session,
        Actor(None, f"service:{caller}"),
        "cloud_connection.credentials_read.v1",
        f"Credentials of cloud connection {connection.name} were read by service {caller}.",
        resource_type="cloud_connection",
        resource_uuid=connection.uuid,
        resource_name=connection.name,
        customer=connection.customer_uuid,
        publish_event=False,
    )
    # A plain JSON body: a response model would mask the SecretStr-style fields.
    return JSONResponse(
        {
            "uuid": str(connection.uuid),
            "name": connection.name,
            "type": connection.type,
            "auth_url": connection.backend_url,
            "username": secrets["username"],
            "password": secrets["password"],
            "domain": connection.domain,
            "project": connection.tenant_name,
            "verify_ssl": connection.verify_ssl,
            "availability_zone": connection.availability_zone,
            "external_network_id": connection.external_network_id,
            "options": connection.options,
        },
        headers={"Cache-Control": "no-store"},
    )
