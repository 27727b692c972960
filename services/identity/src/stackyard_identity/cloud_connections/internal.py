"""Identity's internal API for cloud connections, on identity's own port only: the
gateway routes no `/internal/` path, and only a service token is accepted (user tokens,
even staff ones, are refused).

    GET  /internal/cloud-connections/{uuid}/credentials   decrypted credentials
    POST /internal/cloud-connections/                     create (marketplace, for an offering)
    PUT  /internal/cloud-connections/{uuid}               partial update (same)

Creating and updating answer only `{"uuid": ...}`: the credentials sent are never
echoed back.
"""

from __future__ import annotations

import uuid

import structlog
from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from stackyard_common.api import NotFound
from stackyard_common.auth import CREDENTIALS_PATH, ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.cloud_connections import repository, service
from stackyard_identity.cloud_connections.schemas import (
    CloudConnectionCreate,
    CloudConnectionUpdate,
    InternalActor,
    InternalConnectionCreate,
    InternalConnectionUpdate,
)
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


def _actor(caller: str, data: InternalActor) -> Actor:
    # The audit log names the user the service acted for, and the service itself.
    who = data.actor_username or "system"
    return Actor(data.actor_uuid, f"{who} (via {caller})")


@router.post("/internal/cloud-connections/", status_code=status.HTTP_201_CREATED)
async def create_connection(
    data: InternalConnectionCreate, caller: ServiceCaller, session: SessionDep, keys: KeysDep
) -> dict[str, str]:
    fields = data.model_dump(exclude=set(InternalActor.model_fields))
    connection = await service.add_connection(
        session, keys.box, _actor(caller, data), CloudConnectionCreate(**fields)
    )
    return {"uuid": str(connection.uuid)}


@router.put("/internal/cloud-connections/{connection_uuid}")
async def update_connection(
    connection_uuid: uuid.UUID,
    data: InternalConnectionUpdate,
    caller: ServiceCaller,
    session: SessionDep,
    keys: KeysDep,
) -> dict[str, str]:
    connection = await repository.by_uuid(session, connection_uuid)
    if connection is None:
        raise NotFound
    fields = data.model_dump(exclude_unset=True, exclude=set(InternalActor.model_fields))
    await service.change_connection(
        session, keys.box, _actor(caller, data), connection, CloudConnectionUpdate(**fields)
    )
    return {"uuid": str(connection.uuid)}
