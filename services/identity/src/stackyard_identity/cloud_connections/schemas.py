"""What the cloud connections API (`/api/service-settings/`) reads and writes.

The password is write-only; the username and password appear only in
`CloudConnectionWithSecrets`, which staff get when they ask for it explicitly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CloudConnectionCreate",
    "CloudConnectionRead",
    "CloudConnectionUpdate",
    "CloudConnectionWithSecrets",
    "InternalActor",
    "InternalConnectionCreate",
    "InternalConnectionUpdate",
]

URL_PATTERN = r"^https?://[^\s]+$"


class CloudConnectionRead(BaseModel):
    """A cloud connection without its credentials."""

    uuid: UUID
    url: str
    name: str
    description: str
    type: str
    state: str = "OK"
    backend_url: str
    domain: str
    tenant_name: str
    verify_ssl: bool
    availability_zone: str
    external_network_id: str
    options: dict[str, Any]
    shared: bool
    customer: str | None
    customer_uuid: UUID | None
    created: datetime
    modified: datetime


class CloudConnectionWithSecrets(CloudConnectionRead):
    """A cloud connection with its credentials (staff, on request only)."""

    username: str
    password: str


class CloudConnectionCreate(BaseModel):
    """A new cloud connection (staff only)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    type: Literal["OpenStack"] = "OpenStack"
    backend_url: str = Field(max_length=500, pattern=URL_PATTERN, description="Keystone URL.")
    username: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024, description="Write-only.")
    domain: str = Field(default="Default", max_length=200)
    tenant_name: str = Field(default="admin", max_length=200, description="Project to scope to.")
    verify_ssl: bool = True
    availability_zone: str = Field(default="", max_length=200)
    external_network_id: str = Field(default="", max_length=200)
    options: dict[str, Any] = Field(default_factory=dict, description="Never secrets.")
    shared: bool = True
    customer: str | None = Field(default=None, description="Owning organisation (uuid or URL).")


class CloudConnectionUpdate(BaseModel):
    """A partial update (staff only); a credential is replaced only when given."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    backend_url: str | None = Field(default=None, max_length=500, pattern=URL_PATTERN)
    username: str | None = Field(default=None, min_length=1, max_length=255)
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    domain: str | None = Field(default=None, max_length=200)
    tenant_name: str | None = Field(default=None, max_length=200)
    verify_ssl: bool | None = None
    availability_zone: str | None = Field(default=None, max_length=200)
    external_network_id: str | None = Field(default=None, max_length=200)
    options: dict[str, Any] | None = None
    shared: bool | None = None


class InternalActor(BaseModel):
    """Who a calling service acts for, as its audit entry should name them."""

    actor_uuid: UUID | None = None
    actor_username: str = Field(default="", max_length=150)


class InternalConnectionCreate(CloudConnectionCreate, InternalActor):
    """A new cloud connection asked for by another service (marketplace, for an offering)."""


class InternalConnectionUpdate(CloudConnectionUpdate, InternalActor):
    """A partial update asked for by another service."""
