"""What the resources API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MarketplaceResourceRead",
    "OrderCreated",
    "ResourceTerminateRequest",
    "UpdateLimitsRequest",
]


class MarketplaceResourceRead(BaseModel):
    uuid: UUID
    url: str
    name: str
    description: str
    state: str
    resource_type: str
    offering: str
    offering_uuid: UUID
    offering_name: str
    offering_type: str
    plan: str | None
    plan_uuid: UUID | None
    project: str
    project_uuid: UUID
    customer_uuid: UUID
    provider_uuid: UUID
    limits: dict[str, int]
    attributes: dict[str, Any]
    scope: str | None = Field(description="The backend resource (e.g. the tenant).")
    resource_uuid: UUID | None = Field(description="The backend resource's uuid.")
    backend_id: str
    backend_metadata: dict[str, Any] = Field(
        description="The cloud's metadata of the backend resource, as last pulled."
    )
    error_message: str
    created: datetime
    modified: datetime


class UpdateLimitsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limits: dict[str, int]


class ResourceTerminateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attributes: dict[str, Any] = Field(default_factory=dict)


class OrderCreated(BaseModel):
    """The order an action placed."""

    order_uuid: UUID
