"""What the orders API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["OrderCreate", "OrderRead"]


class OrderCreate(BaseModel):
    """An order for a new resource; changes and terminations are ordered through
    the resource (`update_limits`, `terminate`)."""

    model_config = ConfigDict(extra="forbid")

    offering: str = Field(description="The offering (uuid or URL).")
    project: str = Field(description="The project the resource will belong to (uuid or URL).")
    plan: str | None = Field(default=None, description="One of the offering's plans.")
    limits: dict[str, int] = Field(default_factory=dict)
    attributes: dict[str, Any] = Field(default_factory=dict)
    type: Literal["Create"] = "Create"


class OrderRead(BaseModel):
    uuid: UUID
    url: str
    type: str
    state: str
    offering: str
    offering_uuid: UUID
    offering_name: str
    offering_type: str
    plan: str | None
    plan_uuid: UUID | None
    project: str
    project_uuid: UUID
    project_name: str
    customer_uuid: UUID
    customer_name: str
    provider_uuid: UUID
    marketplace_resource_uuid: UUID
    resource_name: str
    limits: dict[str, int]
    attributes: dict[str, Any]
    error_message: str
    created_by_uuid: UUID
    created_by_username: str
    consumer_reviewed_by: str
    consumer_reviewed_at: datetime | None
    provider_reviewed_by: str
    provider_reviewed_at: datetime | None
    completed_at: datetime | None
    created: datetime
    modified: datetime
