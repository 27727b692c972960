"""Offerings, their components (what limits an order sets) and their plans.

An offering holds no secret: an `OpenStack.Tenant` offering points at a cloud connection
in identity (`scope_uuid`), which keeps the credentials. A private offering (`shared`
false) is visible only to `project_uuid`; those made for a tenant have the tenant's uuid
as `scope_uuid` and the tenant offering they came from as `parent_uuid`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_marketplace.models import Base, Timestamped

__all__ = ["Offering", "OfferingComponent", "OfferingState", "OfferingType", "Plan"]


class OfferingType(StrEnum):
    TENANT = "OpenStack.Tenant"
    INSTANCE = "OpenStack.Instance"
    VOLUME = "OpenStack.Volume"


class OfferingState(StrEnum):
    DRAFT = "Draft"
    ACTIVE = "Active"
    PAUSED = "Paused"
    ARCHIVED = "Archived"


class Offering(Base, Timestamped):
    """Something a provider organisation offers in the catalogue."""

    __tablename__ = "offerings"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(20), default=OfferingState.DRAFT)
    paused_reason: Mapped[str] = mapped_column(Text, default="")
    category_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("categories.uuid", ondelete="RESTRICT"), index=True
    )
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    project_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    scope_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    parent_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    plugin_options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class OfferingComponent(Base):
    """A measured part of an offering; `limit` components are what orders set."""

    __tablename__ = "offering_components"
    __table_args__ = (
        UniqueConstraint("offering_uuid", "type", name="uq_offering_components_type"),
    )

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    offering_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("offerings.uuid", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    measured_unit: Mapped[str] = mapped_column(String(30), default="")
    billing_type: Mapped[str] = mapped_column(String(20), default="limit")
    min_value: Mapped[int] = mapped_column(Integer, default=0)
    max_value: Mapped[int | None] = mapped_column(Integer)
    default_limit: Mapped[int | None] = mapped_column(Integer)


class Plan(Base, Timestamped):
    """A price list of an offering; `quotas` caps the limits an order under it may set."""

    __tablename__ = "plans"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    offering_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("offerings.uuid", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(30), default="month")
    unit_price: Mapped[Decimal] = mapped_column(Numeric(22, 7), default=Decimal(0))
    prices: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    quotas: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
