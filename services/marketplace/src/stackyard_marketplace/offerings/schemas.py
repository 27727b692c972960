"""What the offerings and plans APIs read and write.

`secret_options` are write-only: they go to identity as a cloud connection, and come back
only in `OfferingWithSecrets`, to staff who ask for them (`?include_secrets=true`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_marketplace.offerings.models import OfferingType

__all__ = [
    "OfferingComponentIn",
    "OfferingComponentRead",
    "OfferingCreate",
    "OfferingPauseRequest",
    "OfferingRead",
    "OfferingUpdate",
    "OfferingWithSecrets",
    "OpenStackPluginOptions",
    "OpenStackSecretOptions",
    "OpenStackSecretOptionsUpdate",
    "PlanCreate",
    "PlanIn",
    "PlanRead",
]

URL_PATTERN = r"^https?://[^\s]+$"
COMPONENT_TYPE = r"^[a-z][a-z0-9_]*$"


class OfferingComponentIn(BaseModel):
    """A component: `limit` components are the limits an order sets."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=100, pattern=COMPONENT_TYPE)
    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    measured_unit: str = Field(default="", max_length=30)
    billing_type: Literal["limit", "fixed", "usage"] = "limit"
    min_value: int = Field(default=0, ge=0)
    max_value: int | None = Field(default=None, ge=0)
    default_limit: int | None = Field(default=None, ge=0)


class OfferingComponentRead(OfferingComponentIn):
    uuid: UUID


class PlanIn(BaseModel):
    """A plan: its price per `unit` and per component, and the most each limit may be."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    unit: Literal["hour", "day", "half_month", "month", "quarter", "year", "once"] = "month"
    unit_price: Decimal = Field(default=Decimal(0), ge=0, max_digits=22, decimal_places=7)
    prices: dict[str, Decimal] = Field(default_factory=dict)
    quotas: dict[str, int] = Field(
        default_factory=dict, description="Component type → the largest limit an order may set."
    )


class PlanCreate(PlanIn):
    offering: str = Field(description="The offering (uuid or URL).")


class PlanRead(BaseModel):
    uuid: UUID
    url: str
    name: str
    description: str
    unit: str
    unit_price: str
    prices: dict[str, str]
    quotas: dict[str, int]
    archived: bool
    offering: str
    offering_uuid: UUID


class OpenStackSecretOptions(BaseModel):
    """How to reach the cloud of an `OpenStack.Tenant` offering."""

    model_config = ConfigDict(extra="forbid")

    backend_url: str = Field(max_length=500, pattern=URL_PATTERN, description="Keystone URL.")
    username: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024)
    tenant_name: str = Field(default="admin", max_length=200)
    domain: str = Field(default="Default", max_length=200)
    external_network_id: str = Field(default="", max_length=200)
    verify_ssl: bool = True
    availability_zone: str = Field(default="", max_length=200)


class OpenStackSecretOptionsUpdate(BaseModel):
    """A partial change of the secret options; only the given keys change."""

    model_config = ConfigDict(extra="forbid")

    backend_url: str | None = Field(default=None, max_length=500, pattern=URL_PATTERN)
    username: str | None = Field(default=None, min_length=1, max_length=255)
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    tenant_name: str | None = Field(default=None, max_length=200)
    domain: str | None = Field(default=None, max_length=200)
    external_network_id: str | None = Field(default=None, max_length=200)
    verify_ssl: bool | None = None
    availability_zone: str | None = Field(default=None, max_length=200)


class OpenStackPluginOptions(BaseModel):
    """Plugin behaviour; other keys are kept as given."""

    model_config = ConfigDict(extra="allow")

    storage_mode: Literal["fixed", "dynamic"] = "fixed"
    default_internal_network_mtu: int | None = Field(default=None, ge=68, le=9000)


class OfferingCreate(BaseModel):
    """A new offering (staff, or owners of the providing organisation)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    category: str = Field(description="The category (uuid or URL).")
    customer: str = Field(description="The providing organisation (uuid or URL).")
    type: OfferingType
    shared: bool = True
    project: str | None = Field(default=None, description="Private offerings: who sees it.")
    secret_options: OpenStackSecretOptions | None = None
    plugin_options: OpenStackPluginOptions = Field(default_factory=OpenStackPluginOptions)
    options: dict[str, Any] = Field(default_factory=dict, description="Shown to users.")
    components: list[OfferingComponentIn] | None = Field(
        default=None, description="Defaults follow the type and the storage mode."
    )
    plans: list[PlanIn] = Field(default_factory=list)


class OfferingUpdate(BaseModel):
    """A partial update; `secret_options` change the connection in identity."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    category: str | None = None
    options: dict[str, Any] | None = None
    plugin_options: OpenStackPluginOptions | None = None
    secret_options: OpenStackSecretOptionsUpdate | None = None


class OfferingPauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paused_reason: str = ""


class OfferingRead(BaseModel):
    """An offering as its provider sees it (the public view leaves `plugin_options` out)."""

    uuid: UUID
    url: str
    name: str
    description: str
    type: str
    state: str
    paused_reason: str
    category: str
    category_uuid: UUID
    category_title: str
    customer: str
    customer_uuid: UUID
    shared: bool
    project: str | None
    project_uuid: UUID | None
    scope_uuid: UUID | None
    parent_uuid: UUID | None
    plugin_options: dict[str, Any] | None
    options: dict[str, Any]
    components: list[OfferingComponentRead]
    plans: list[PlanRead]
    created: datetime
    modified: datetime


class OfferingWithSecrets(OfferingRead):
    """With the decrypted secret options (staff, on request only)."""

    secret_options: dict[str, Any]
