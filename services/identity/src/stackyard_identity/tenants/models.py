"""OpenStack tenants (Keystone projects the platform made and manages) and the
organisations' choices of external network per cloud connection."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from stackyard_identity.models import Base

__all__ = ["CustomerExternalNetwork", "Tenant", "TenantState"]


class TenantState(StrEnum):
    """A resource's state, as every Stackyard resource has it."""

    OK = "OK"
    ERRED = "ERRED"
    CREATION_SCHEDULED = "CREATION_SCHEDULED"
    CREATING = "CREATING"
    UPDATE_SCHEDULED = "UPDATE_SCHEDULED"
    UPDATING = "UPDATING"
    DELETION_SCHEDULED = "DELETION_SCHEDULED"
    DELETING = "DELETING"


class Tenant(Base):
    """One tenant: its Keystone project and what the platform made inside it.

    `quotas` are the limits in the platform's names (`vcpu`, `ram`, `storage`, ...),
    `usage` what the cloud last reported as used, `properties` the flavors, images,
    volume types and availability zones the cloud offers the tenant. The tenant user's
    and the admin user's passwords are kept encrypted.
    """

    __tablename__ = "tenants"

    uuid: Mapped[UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    backend_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    state: Mapped[str] = mapped_column(String(30), default=TenantState.CREATION_SCHEDULED)
    error_message: Mapped[str] = mapped_column(Text, default="")
    customer_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    project_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    connection_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    marketplace_resource_uuid: Mapped[UUID | None] = mapped_column(Uuid, unique=True)
    marketplace_offering_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    availability_zone: Mapped[str] = mapped_column(String(200), default="")
    subnet_cidr: Mapped[str] = mapped_column(String(43), default="")
    internal_network_id: Mapped[str] = mapped_column(String(255), default="")
    subnet_id: Mapped[str] = mapped_column(String(255), default="")
    router_id: Mapped[str] = mapped_column(String(255), default="")
    external_network_id: Mapped[str] = mapped_column(String(255), default="")
    user_username: Mapped[str] = mapped_column(String(255), default="")
    user_password_encrypted: Mapped[str] = mapped_column(Text, default="")
    admin_username: Mapped[str] = mapped_column(String(255), default="")
    admin_password_encrypted: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    quotas: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    usage: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CustomerExternalNetwork(Base):
    """An organisation's own external network on one cloud connection: it wins over the
    connection's default and loses to the tenant's own choice."""

    __tablename__ = "customer_external_networks"

    customer_uuid: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    connection_uuid: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    external_network_id: Mapped[str] = mapped_column(String(255))
    modified: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
