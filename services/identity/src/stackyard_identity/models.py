"""Tables of the identity service, all in its own `identity` schema."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from stackyard_common.auth import membership_table
from stackyard_common.db import service_metadata
from stackyard_common.sagas import common_tables


class Base(DeclarativeBase):
    metadata = service_metadata("identity")


common_tables(Base.metadata)  # outbox, inbox and saga_runs live in every schema
membership_table(Base.metadata)  # identity reads roles the way every service does


class User(Base):
    """A person (or robot) who signs in to Stackyard."""

    __tablename__ = "users"

    uuid: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    is_support: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
