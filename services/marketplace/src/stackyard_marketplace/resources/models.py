"""Marketplace resources: what an order made, its limits and its state, linked to the
backend resource the owning service keeps (a tenant in identity, ...)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_marketplace.models import Base, Timestamped

__all__ = ["Resource", "ResourceState"]


class ResourceState(StrEnum):
    CREATING = "Creating"
    OK = "OK"
    ERRED = "Erred"
    UPDATING = "Updating"
    TERMINATING = "Terminating"
    TERMINATED = "Terminated"


class Resource(Base, Timestamped):
    """A resource; `backend_uuid` is the owning service's uuid for it (the `scope`),
    `backend_id` the cloud's id, `backend_metadata` the cloud's metadata of it (Nova's
    or Cinder's, as the owning service last pulled it)."""

    __tablename__ = "resources"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=ResourceState.CREATING)
    offering_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("offerings.uuid", ondelete="RESTRICT"), index=True
    )
    plan_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    project_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    provider_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    resource_type: Mapped[str] = mapped_column(String(60))
    limits: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    backend_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    backend_id: Mapped[str] = mapped_column(String(255), default="")
    backend_metadata: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    error_message: Mapped[str] = mapped_column(Text, default="")
