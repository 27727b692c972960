"""Categories group offerings in the catalogue (virtual machines, volumes, ...)."""

from __future__ import annotations

import uuid
from uuid import UUID

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_marketplace.models import Base, Timestamped

__all__ = ["Category"]


class Category(Base, Timestamped):
    """A catalogue category."""

    __tablename__ = "categories"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(150), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(500), default="")
