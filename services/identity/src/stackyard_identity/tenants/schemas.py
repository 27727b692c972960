"""What the tenants API (`/api/openstack-tenants/`) reads and writes, in the reference
API's `OpenStackTenant` shape plus the platform's own fields (progress, properties)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stackyard_identity.tenants.attributes import TenantAttributes
from stackyard_identity.tenants.settings import SecurityGroupSpec

__all__ = [
    "TenantCreate",
    "TenantProgress",
    "TenantQuota",
    "TenantRead",
    "TenantSetErredRequest",
    "TenantSetQuotasRequest",
    "TenantUpdate",
]


class TenantQuota(BaseModel):
    """One quota: its limit and what the cloud last reported as used."""

    name: str
    limit: int
    usage: int | None


class TenantProgress(BaseModel):
    """The newest saga run of the tenant."""

    saga: str
    step: int
    total: int
    step_name: str
    state: str
    error: str | None
    text: str


class TenantRead(BaseModel):
    uuid: UUID
    url: str
    name: str
    description: str
    resource_type: str = "OpenStack.Tenant"
    state: str
    error_message: str
    backend_id: str
    service_settings: str
    service_settings_uuid: UUID
    project: str
    project_uuid: UUID
    project_name: str
    customer: str
    customer_uuid: UUID
    customer_name: str
    availability_zone: str
    internal_network_id: str
    subnet_id: str
    router_id: str
    external_network_id: str
    subnet_cidr: str
    skip_creation_of_default_router: bool
    user_username: str
    user_password: str | None = Field(
        description="Shown to project users only when TENANT_CREDENTIALS_VISIBLE (staff always)."
    )
    quotas: list[TenantQuota]
    properties: dict[str, Any]
    progress: TenantProgress | None
    marketplace_resource_uuid: UUID | None
    marketplace_offering_uuid: UUID | None
    created: datetime
    modified: datetime


class TenantCreate(TenantAttributes):
    """A tenant made by staff directly, without an order."""

    service_settings: str = Field(description="The cloud connection (uuid or URL).")
    project: str = Field(description="The project it belongs to (uuid or URL).")
    quotas: dict[str, int] = Field(default_factory=dict, description="Platform quota names.")
    storage_mode: str = Field(default="fixed", pattern="^(fixed|dynamic)$")


class TenantUpdate(BaseModel):
    """What may change on a tenant's record (its name and description)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    availability_zone: str | None = Field(default=None, max_length=200)
    security_groups: list[SecurityGroupSpec] | None = Field(
        default=None, description="Accepted for compatibility; groups change via the network API."
    )


class TenantSetQuotasRequest(BaseModel):
    """New quota limits (platform names; MiB for `ram` and `storage`; -1 unlimited)."""

    model_config = ConfigDict(extra="forbid")

    instances: int | None = Field(default=None, ge=-1)
    volumes: int | None = Field(default=None, ge=-1)
    snapshots: int | None = Field(default=None, ge=-1)
    ram: int | None = Field(default=None, ge=-1)
    vcpu: int | None = Field(default=None, ge=-1)
    storage: int | None = Field(default=None, ge=-1)
    security_group_count: int | None = Field(default=None, ge=-1)
    security_group_rule_count: int | None = Field(default=None, ge=-1)
    floating_ip_count: int | None = Field(default=None, ge=-1)
    network_count: int | None = Field(default=None, ge=-1)
    subnet_count: int | None = Field(default=None, ge=-1)
    port_count: int | None = Field(default=None, ge=-1)


class TenantSetErredRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error_message: str = "Set erred by staff."
