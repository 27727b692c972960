"""The projects projection: which organisation each project belongs to, kept from
identity's `project.*` events (and filled on demand from identity's internal API)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, DateTime, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_marketplace.models import Base

__all__ = ["ProjectRecord"]


class ProjectRecord(Base):
    """A project as marketplace knows it; `version` is the time of the last event
    applied, so that a late event never undoes a newer one (a deleted project keeps its
    row, `deleted`, for the same reason)."""

    __tablename__ = "projects"

    uuid: Mapped[UUID] = mapped_column(primary_key=True)
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(500), default="")
    customer_name: Mapped[str] = mapped_column(String(150), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[datetime] = mapped_column(DateTime(timezone=True))
