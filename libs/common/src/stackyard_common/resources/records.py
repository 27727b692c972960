"""The columns and states every cloud resource has (the DESIGN's resource shape)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import DateTime, String, Text, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["BUSY_STATES", "SETTLED_STATES", "ResourceColumns", "ResourceState"]


class ResourceState(StrEnum):
    """A resource's state, as every Stackyard resource has it."""

    OK = "OK"
    ERRED = "ERRED"
    CREATION_SCHEDULED = "CREATION_SCHEDULED"
    CREATING = "CREATING"
    UPDATE_SCHEDULED = "UPDATE_SCHEDULED"
    UPDATING = "UPDATING"
    DELETION_SCHEDULED = "DELETION_SCHEDULED"
    DELETING = "DELETING"


SETTLED_STATES = frozenset({ResourceState.OK.value, ResourceState.ERRED.value})
BUSY_STATES = frozenset(state.value for state in ResourceState) - SETTLED_STATES


class ResourceColumns:
    """Identity, state and ownership of a resource in a tenant.

    `customer_uuid` and `project_uuid` are the tenant's, copied when the record is made,
    so that visibility is one filter on the row itself. `runtime_state` is the cloud's
    own status (`available`, `in-use`, ...), as last seen.
    """

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(30), default=ResourceState.CREATION_SCHEDULED)
    runtime_state: Mapped[str] = mapped_column(String(60), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    backend_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    project_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    service_settings_uuid: Mapped[UUID] = mapped_column(Uuid)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
