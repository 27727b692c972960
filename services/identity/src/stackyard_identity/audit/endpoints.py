"""`/api/events/`: the audit log, visible by the same rules as the resources."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Query

from stackyard_common.api import NotAuthenticated, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_identity.audit import repository
from stackyard_identity.audit.models import AuditEntry
from stackyard_identity.audit.schemas import AuditEntryRead

__all__ = ["router"]

router = APIRouter(prefix="/api/events", tags=["events"])


def entry_read(entry: AuditEntry) -> AuditEntryRead:
    """The API's view of an audit entry."""
    return AuditEntryRead(
        uuid=entry.uuid,
        created=entry.created,
        event_type=entry.event_type,
        source=entry.source,
        message=entry.message,
        user_uuid=entry.actor_uuid,
        user_username=entry.actor_username,
        resource_type=entry.resource_type,
        resource_uuid=entry.resource_uuid,
        resource_name=entry.resource_name,
        customer_uuid=entry.customer_uuid,
        project_uuid=entry.project_uuid,
        result=entry.result,
        context=entry.context,
    )


@router.get("/", responses=error_responses(NotAuthenticated), summary="Audit entries, newest first")
async def list_entries(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    resource_uuid: uuid.UUID | None = None,
    resource_type: str | None = None,
    customer_uuid: uuid.UUID | None = Query(default=None, alias="customer"),
    project_uuid: uuid.UUID | None = Query(default=None, alias="project"),
    user_uuid: uuid.UUID | None = Query(default=None, alias="user"),
    event_type: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> list[AuditEntryRead]:
    filters = repository.AuditFilters(
        resource_uuid=resource_uuid,
        resource_type=resource_type,
        customer_uuid=customer_uuid,
        project_uuid=project_uuid,
        user_uuid=user_uuid,
        event_type=event_type,
        created_from=created_from,
        created_to=created_to,
    )
    rows = await paginate(session, repository.visible_entries(principal, filters), page)
    return [entry_read(entry) for entry in rows]
