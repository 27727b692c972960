"""Keeping the projects projection, and finding a project when an order names it.

Identity's `project.created.v1`, `project.updated.v1` and `project.deleted.v1` events
(envelope `organisation` and `project`, payload `name` and `customer_name`) are applied
in order of occurrence: an older event never overwrites a newer one. A project the
projection has not heard of yet is asked of identity's internal API and remembered.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_marketplace.identity_client import IdentityClient
from stackyard_marketplace.projects.models import ProjectRecord

__all__ = ["PROJECT_EVENTS", "apply_project_event", "find_project", "projects_consumer"]

PROJECT_EVENTS = ("project.created.v1", "project.updated.v1", "project.deleted.v1")


async def _upsert(
    session: AsyncSession,
    project: uuid.UUID,
    customer: uuid.UUID,
    name: str,
    customer_name: str,
    deleted: bool,
    version: datetime,
) -> None:
    statement = insert(ProjectRecord).values(
        uuid=project,
        customer_uuid=customer,
        name=name,
        customer_name=customer_name,
        deleted=deleted,
        version=version,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ProjectRecord.uuid],
            set_={
                "customer_uuid": statement.excluded.customer_uuid,
                "name": statement.excluded.name,
                "customer_name": statement.excluded.customer_name,
                "deleted": statement.excluded.deleted,
                "version": statement.excluded.version,
            },
            where=ProjectRecord.version < statement.excluded.version,
        )
    )


async def apply_project_event(envelope: Envelope, session: AsyncSession) -> None:
    """Bring the projection in step with one project event (idempotent, order-proof)."""
    if envelope.type not in PROJECT_EVENTS or envelope.project is None:
        return
    if envelope.organisation is None:
        return
    await _upsert(
        session,
        envelope.project,
        envelope.organisation,
        str(envelope.payload.get("name") or envelope.payload.get("resource_name") or ""),
        str(envelope.payload.get("customer_name") or ""),
        envelope.type == "project.deleted.v1",
        envelope.occurred_at,
    )


projects_consumer: Consumer = consumer("projects", routing_keys=PROJECT_EVENTS)(apply_project_event)


async def find_project(
    session: AsyncSession, identity: IdentityClient, project: uuid.UUID
) -> ProjectRecord | None:
    """The project from the projection, else from identity (then remembered); None when
    it does not exist or was deleted."""
    found = await session.get(ProjectRecord, project)
    if found is not None:
        return None if found.deleted else found
    info = await identity.project(project)
    if info is None:
        return None
    # Dated to the epoch: any event about the project, whenever it arrives, is newer.
    await _upsert(
        session,
        info.uuid,
        info.customer_uuid,
        info.name,
        info.customer_name,
        False,
        datetime(1970, 1, 1, tzinfo=UTC),
    )
    return (
        await session.execute(select(ProjectRecord).where(ProjectRecord.uuid == project))
    ).scalar_one()
