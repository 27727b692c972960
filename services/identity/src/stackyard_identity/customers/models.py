"""Organisations (the reference API calls them customers) and their projects."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_identity.models import Base

__all__ = ["Customer", "Project"]


class Customer(Base):
    """An organisation: it owns projects, and through them every cloud resource."""

    __tablename__ = "customers"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150))
    native_name: Mapped[str] = mapped_column(String(160), default="")
    abbreviation: Mapped[str] = mapped_column(String(12), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Project(Base):
    """A project inside an organisation: where resources live and roles are granted."""

    __tablename__ = "projects"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    customer_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("customers.uuid", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
