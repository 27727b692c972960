"""What the audit log API (`/api/events/`) shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

__all__ = ["AuditEntryRead"]


class AuditEntryRead(BaseModel):
    """One recorded change."""

    uuid: UUID
    created: datetime
    event_type: str
    source: str
    message: str
    user_uuid: UUID | None
    user_username: str
    resource_type: str
    resource_uuid: UUID | None
    resource_name: str
    customer_uuid: UUID | None
    project_uuid: UUID | None
    result: str
    context: dict[str, Any]
