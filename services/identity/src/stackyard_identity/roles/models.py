"""Role grants: the authoritative record of who holds which role where.

Every service (identity included) reads roles from its `memberships` projection, which
the role events keep in step with this table.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_identity.models import Base

__all__ = ["RoleGrant"]


class RoleGrant(Base):
    """`user` holds `role` in the organisation or project `scope_uuid` until `expires_at`."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_uuid", "scope_uuid", "role"),)

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_uuid: Mapped[UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    scope_type: Mapped[str] = mapped_column(String(20))
    scope_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
