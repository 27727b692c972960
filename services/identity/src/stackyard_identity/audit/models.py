"""The audit log: one entry per change, made through the API or by a saga."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_identity.models import Base

__all__ = ["AuditEntry"]


class AuditEntry(Base):
    """Who (`actor_*`) did what (`event_type`, `message`) to which resource, where
    (organisation, project), when (`created`) and with what `result`."""

    __tablename__ = "audit_entries"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    actor_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    actor_username: Mapped[str] = mapped_column(String(150), default="")
    resource_type: Mapped[str] = mapped_column(String(60), default="")
    resource_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    resource_name: Mapped[str] = mapped_column(String(500), default="")
    customer_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    project_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    result: Mapped[str] = mapped_column(String(20), default="succeeded")
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
