"""What every network resource record has: identity, state and where it belongs.

`state` is the platform's (`OK`, `ERRED`, `*_SCHEDULED`, `CREATING`, ...); `runtime_state`
is the cloud's own status (`ACTIVE`, `DOWN`, ...); `backend_id` is the Neutron id, empty
until the cloud made the resource. The tenant's organisation and project are copied
onto every record so that visibility is one indexed filter.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import DateTime, String, Text, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_common.resources.pulls import MissingMark

__all__ = ["SETTLED", "CloudResource", "ResourceState"]


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


SETTLED = (ResourceState.OK.value, ResourceState.ERRED.value)
"""States in which a resource accepts a new action."""


class CloudResource(MissingMark):
    """The columns every network resource table has (a declarative mixin), with the
    time a pull first found the resource gone from the cloud (`backend_missing_since`)."""

    # Read server-made timestamps back with each write, so views never lazy-load them.
    __mapper_args__ = {"eager_defaults": True}

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    backend_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    state: Mapped[str] = mapped_column(String(30), default=ResourceState.CREATION_SCHEDULED)
    runtime_state: Mapped[str] = mapped_column(String(50), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    tenant_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    customer_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    project_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
