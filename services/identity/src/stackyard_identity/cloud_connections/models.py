"""Cloud connections (the reference API's service settings): how to reach a cloud.

The credentials are stored encrypted (`stackyard_common.crypto.SecretBox`); the columns
holding them end in `_encrypted` and are never serialised as they are.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, DateTime, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_identity.models import Base

__all__ = ["CloudConnection"]


class CloudConnection(Base):
    """One OpenStack cloud: Keystone URL, admin credentials and defaults.

    A shared connection is visible to everyone; otherwise only to its organisation.
    """

    __tablename__ = "cloud_connections"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(40), default="OpenStack")
    backend_url: Mapped[str] = mapped_column(String(500))
    username_encrypted: Mapped[str] = mapped_column(Text)
    password_encrypted: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(String(200), default="Default")
    tenant_name: Mapped[str] = mapped_column(String(200), default="admin")
    verify_ssl: Mapped[bool] = mapped_column(Boolean, default=True)
    availability_zone: Mapped[str] = mapped_column(String(200), default="")
    external_network_id: Mapped[str] = mapped_column(String(200), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    customer_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
