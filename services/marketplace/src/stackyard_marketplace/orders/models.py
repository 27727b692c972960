"""Orders: a request to create, change or terminate a resource, and its approvals."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_marketplace.models import Base, Timestamped

__all__ = ["FINAL_ORDER_STATES", "Order", "OrderState", "OrderType"]


class OrderType(StrEnum):
    CREATE = "Create"
    UPDATE = "Update"
    TERMINATE = "Terminate"


class OrderState(StrEnum):
    PENDING_CONSUMER = "pending-consumer"
    PENDING_PROVIDER = "pending-provider"
    EXECUTING = "executing"
    DONE = "done"
    ERRED = "erred"
    CANCELED = "canceled"
    REJECTED = "rejected"


FINAL_ORDER_STATES = frozenset(
    {OrderState.DONE, OrderState.ERRED, OrderState.CANCELED, OrderState.REJECTED}
)


class Order(Base, Timestamped):
    """One order. `customer_uuid` orders, `provider_uuid` (the offering's organisation)
    provides; `resource_uuid` is the marketplace resource it creates or acts on."""

    __tablename__ = "orders"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    type: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(30), index=True)
    offering_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("offerings.uuid", ondelete="RESTRICT"), index=True
    )
    plan_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    resource_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("resources.uuid", ondelete="CASCADE"), index=True
    )
    project_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    provider_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    limits: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    error_message: Mapped[str] = mapped_column(Text, default="")
    created_by_uuid: Mapped[UUID] = mapped_column(Uuid)
    created_by_username: Mapped[str] = mapped_column(String(150))
    consumer_reviewed_by: Mapped[str] = mapped_column(String(150), default="")
    consumer_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_reviewed_by: Mapped[str] = mapped_column(String(150), default="")
    provider_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
