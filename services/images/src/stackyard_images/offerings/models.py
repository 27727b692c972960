"""What images knows of each tenant's offering, from marketplace's tenant order events.

`tenant.create_requested.v1` and `tenant.update_requested.v1` carry the offering's
`plugin_options` as they were when the order was placed; the newest event wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_images.models import Base

__all__ = ["TenantOffering"]


class TenantOffering(Base):
    """The offering behind one marketplace resource (a tenant), and its options."""

    __tablename__ = "tenant_offerings"

    marketplace_resource_uuid: Mapped[UUID] = mapped_column(primary_key=True)
    offering_uuid: Mapped[UUID] = mapped_column(Uuid)
    provider_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    plugin_options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    version: Mapped[datetime] = mapped_column(DateTime(timezone=True))
