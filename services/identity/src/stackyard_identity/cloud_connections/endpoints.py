"""`/api/service-settings/`: cloud connections (public API; credentials staff-only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response, status

from stackyard_common.api import (
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser, ensure_staff
from stackyard_common.crypto import SecretBox
from stackyard_common.db import SessionDep
from stackyard_identity.cloud_connections import repository, service
from stackyard_identity.cloud_connections.models import CloudConnection
from stackyard_identity.cloud_connections.schemas import (
    CloudConnectionCreate,
    CloudConnectionRead,
    CloudConnectionUpdate,
    CloudConnectionWithSecrets,
)
from stackyard_identity.deps import KeysDep
from stackyard_identity.web import absolute_url

__all__ = ["router"]

router = APIRouter(prefix="/api/service-settings", tags=["service-settings"])

READ_ERRORS = error_responses(NotAuthenticated, PermissionDenied, NotFound)
WRITE_ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound)
INCLUDE_SECRETS = Query(
    default=False, description="Include the credentials (staff only; 403 for others)."
)


def connection_read(
    request: Request, connection: CloudConnection, box: SecretBox | None = None
) -> CloudConnectionRead:
    """The API's view of a connection; with `box`, its decrypted credentials too."""
    fields = {
        "uuid": connection.uuid,
        "url": absolute_url(request, f"/api/service-settings/{connection.uuid}/"),
        "name": connection.name,
        "description": connection.description,
        "type": connection.type,
        "backend_url": connection.backend_url,
        "domain": connection.domain,
        "tenant_name": connection.tenant_name,
        "verify_ssl": connection.verify_ssl,
        "availability_zone": connection.availability_zone,
        "external_network_id": connection.external_network_id,
        "options": connection.options,
        "shared": connection.shared,
        "customer": (
            absolute_url(request, f"/api/customers/{connection.customer_uuid}/")
            if connection.customer_uuid
            else None
        ),
        "customer_uuid": connection.customer_uuid,
        "created": connection.created,
        "modified": connection.modified,
    }
    if box is None:
        return CloudConnectionRead(**fields)
    return CloudConnectionWithSecrets(**fields, **service.credentials(box, connection))


@router.get("/", responses=READ_ERRORS, summary="Cloud connections the caller may see")
async def list_connections(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    keys: KeysDep,
    name: str | None = Query(default=None, description="Part of the name."),
    type: str | None = None,
    include_secrets: bool = INCLUDE_SECRETS,
) -> list[CloudConnectionRead | CloudConnectionWithSecrets]:
    if include_secrets:
        ensure_staff(principal)
    conditions = []
    if name is not None:
        conditions.append(CloudConnection.name.icontains(name, autoescape=True))
    if type is not None:
        conditions.append(CloudConnection.type == type)
    rows = await paginate(session, repository.visible_connections(principal, *conditions), page)
    box = keys.box if include_secrets else None
    return [connection_read(request, row, box) for row in rows]


@router.post(
    "/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Create (staff)"
)
async def create_connection(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    keys: KeysDep,
    data: CloudConnectionCreate,
) -> CloudConnectionRead:
    connection = await service.create_connection(session, keys.box, principal, data)
    return connection_read(request, connection)


@router.get("/{connection_uuid}/", responses=READ_ERRORS, summary="One cloud connection")
async def get_connection(
    request: Request,
    connection_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    keys: KeysDep,
    include_secrets: bool = INCLUDE_SECRETS,
) -> CloudConnectionRead | CloudConnectionWithSecrets:
    connection = await service.get_visible(session, principal, connection_uuid)
    if include_secrets:
        ensure_staff(principal)
    return connection_read(request, connection, keys.box if include_secrets else None)


@router.patch("/{connection_uuid}/", responses=WRITE_ERRORS, summary="Update (staff)")
async def update_connection(
    request: Request,
    connection_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    keys: KeysDep,
    data: CloudConnectionUpdate,
) -> CloudConnectionRead:
    connection = await service.get_visible(session, principal, connection_uuid)
    updated = await service.update_connection(session, keys.box, principal, connection, data)
    return connection_read(request, updated)


@router.delete(
    "/{connection_uuid}/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    summary="Delete (staff)",
)
async def delete_connection(
    connection_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> Response:
    connection = await service.get_visible(session, principal, connection_uuid)
    await service.delete_connection(session, principal, connection)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
