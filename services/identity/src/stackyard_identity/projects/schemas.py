"""What the projects API reads and writes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ProjectCreate", "ProjectRead", "ProjectUpdate"]


class ProjectRead(BaseModel):
    """A project, with its organisation."""

    uuid: UUID
    url: str
    name: str
    description: str
    customer: str
    customer_uuid: UUID
    customer_name: str
    created: datetime
    modified: datetime


class ProjectCreate(BaseModel):
    """A new project in `customer` (a uuid or URL): staff and the organisation's owners."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    description: str = ""
    customer: str


class ProjectUpdate(BaseModel):
    """A partial update: staff, the organisation's owners, the project's managers."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = None
