"""Tables of the marketplace service, all in its own `marketplace` schema.

Each domain declares its models beside its code (`categories.models`, ...); they share
this `Base` and the `Timestamped` columns.
"""

from datetime import datetime

from sqlalchemy import DateTime, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from stackyard_common.auth import membership_table
from stackyard_common.db import service_metadata
from stackyard_common.sagas import common_tables

__all__ = ["Base", "Timestamped"]


class Base(DeclarativeBase):
    metadata = service_metadata("marketplace")


common_tables(Base.metadata)  # outbox, inbox and saga_runs live in every schema
membership_table(Base.metadata)  # who may see what, kept in step from identity's events


class Timestamped:
    """`created` and `modified`, set by the database."""

    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
