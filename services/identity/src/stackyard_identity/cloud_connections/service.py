"""Cloud connections: staff create, change and delete them; credentials are encrypted
before they reach the database and decrypted only for staff who ask, or for a service
through the internal endpoint. Events and audit entries never carry them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, ValidationFailed
from stackyard_common.auth import Principal, ensure_staff
from stackyard_common.crypto import SecretBox
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.cloud_connections import repository
from stackyard_identity.cloud_connections.models import CloudConnection
from stackyard_identity.cloud_connections.schemas import (
    CloudConnectionCreate,
    CloudConnectionUpdate,
)
from stackyard_identity.customers import repository as customers
from stackyard_identity.web import parse_reference

__all__ = [
    "SECRET_FIELDS",
    "add_connection",
    "change_connection",
    "create_connection",
    "credentials",
    "delete_connection",
    "get_visible",
    "update_connection",
]

SECRET_FIELDS = ("username", "password")


def _data(connection: CloudConnection) -> dict[str, Any]:
    # What events and the audit log may say about a connection: nothing secret.
    return {
        "name": connection.name,
        "type": connection.type,
        "backend_url": connection.backend_url,
        "shared": connection.shared,
    }


async def _record(
    session: AsyncSession, actor: Actor, verb: str, connection: CloudConnection, **extra: Any
) -> None:
    await record_change(
        session,
        actor,
        f"cloud_connection.{verb}.v1",
        f"Cloud connection {connection.name} was {verb} by {actor.username}.",
        resource_type="cloud_connection",
        resource_uuid=connection.uuid,
        resource_name=connection.name,
        customer=connection.customer_uuid,
        data={**_data(connection), **extra},
    )


async def get_visible(
    session: AsyncSession, principal: Principal, connection: uuid.UUID
) -> CloudConnection:
    """The connection if `principal` may see it; `NotFound` otherwise."""
    found = await repository.by_uuid(session, connection, principal)
    if found is None:
        raise NotFound
    return found


async def create_connection(
    session: AsyncSession, box: SecretBox, principal: Principal, data: CloudConnectionCreate
) -> CloudConnection:
    """Create a connection (staff only), its credentials encrypted."""
    ensure_staff(principal)
    return await add_connection(session, box, Actor.of(principal), data)


async def add_connection(
    session: AsyncSession, box: SecretBox, actor: Actor, data: CloudConnectionCreate
) -> CloudConnection:
    """Create a connection on behalf of `actor` (a staff user, or a service through the
    internal API), its credentials encrypted."""
    fields = data.model_dump(exclude={"username", "password", "customer"})
    customer_uuid = None
    if data.customer is not None:
        customer_uuid = parse_reference("customer", data.customer)
        if await customers.customer_by_uuid(session, customer_uuid) is None:
            raise ValidationFailed.field("customer", "No such organisation.")
    connection = CloudConnection(
        **fields,
        customer_uuid=customer_uuid,
        username_encrypted=box.encrypt(data.username),
        password_encrypted=box.encrypt(data.password),
    )
    session.add(connection)
    await session.flush()
    await session.refresh(connection)
    await _record(session, actor, "created", connection)
    return connection


async def update_connection(
    session: AsyncSession,
    box: SecretBox,
    principal: Principal,
    connection: CloudConnection,
    data: CloudConnectionUpdate,
) -> CloudConnection:
    """Apply a partial update (staff only)."""
    ensure_staff(principal)
    return await change_connection(session, box, Actor.of(principal), connection, data)


async def change_connection(
    session: AsyncSession,
    box: SecretBox,
    actor: Actor,
    connection: CloudConnection,
    data: CloudConnectionUpdate,
) -> CloudConnection:
    """Apply a partial update on behalf of `actor`; a credential is replaced only when
    given."""
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        if name in SECRET_FIELDS:
            setattr(connection, f"{name}_encrypted", box.encrypt(value))
        else:
            setattr(connection, name, value)
    await session.flush()
    await session.refresh(connection)
    await _record(session, actor, "updated", connection, changed=sorted(changes))
    return connection


async def delete_connection(
    session: AsyncSession, principal: Principal, connection: CloudConnection
) -> None:
    """Delete a connection (staff only)."""
    ensure_staff(principal)
    await session.delete(connection)
    await session.flush()
    await _record(session, Actor.of(principal), "deleted", connection)


def credentials(box: SecretBox, connection: CloudConnection) -> dict[str, str]:
    """The decrypted username and password of `connection`."""
    return {
        "username": box.decrypt(connection.username_encrypted),
        "password": box.decrypt(connection.password_encrypted),
    }
