"""What the instances API (`/api/openstack-instances/`) reads and writes: requests in the
reference API's `OpenStackInstanceCreateOrderAttributes` shape (sizes in MiB), views in
its `OpenStackInstance` shape plus the platform's own `progress`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stackyard_common.resources.schemas import Progress

__all__ = [
    "AttachVolumeRequest",
    "ChangeFlavorRequest",
    "FixedIp",
    "FloatingIpRequest",
    "InstanceAttributes",
    "InstanceCreate",
    "InstanceRead",
    "PortRequest",
    "SecurityGroupsRequest",
    "field_errors",
]


def field_errors(error: ValidationError, prefix: str = "") -> dict[str, list[str]]:
    """Pydantic's errors as the API's field errors, dotted names under `prefix`."""
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        name = prefix + ".".join(str(part) for part in item["loc"])
        message = "This field is required." if item["type"] == "missing" else item["msg"]
        errors.setdefault(name.rstrip(".") or "non_field_errors", []).append(message)
    return errors


def _reference(value: Any) -> Any:
    # The reference API sends `{"url": ...}` objects where a reference is expected.
    if isinstance(value, dict) and "url" in value:
        return value["url"]
    return value


class FixedIp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ip_address: str
    subnet_id: str | None = None


class PortRequest(BaseModel):
    """One network port: in `subnet` (the tenant's own subnet when left out), with
    optional fixed IPs."""

    model_config = ConfigDict(extra="ignore")

    subnet: str | None = Field(default=None, description="Subnet: the cloud's id or URL.")
    fixed_ips: list[FixedIp] = Field(default_factory=list, max_length=1)

    _subnet = field_validator("subnet", mode="before")(_reference)


class FloatingIpRequest(BaseModel):
    """A floating IP for the first port: a new one, or one of the tenant's (`url` of the
    network API's floating IP, or, with `PORTS_VIA=cloud`, its `ip_address`)."""

    model_config = ConfigDict(extra="ignore")

    url: str | None = None
    ip_address: str | None = None
    subnet: str | None = None


class InstanceAttributes(BaseModel):
    """A new instance (as ordered through `OpenStack.Instance` offerings)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    flavor: str = Field(description="Flavor: uuid, URL, name or the cloud's id.")
    image: str = Field(description="Image: uuid, URL, name or the cloud's id.")
    system_volume_size: int = Field(ge=1024, description="MiB (at least 1 GiB).")
    system_volume_type: str | None = None
    data_volume_size: int | None = Field(default=None, ge=1024)
    data_volume_type: str | None = None
    ports: list[PortRequest] = Field(min_length=1, max_length=4)
    security_groups: list[str] = Field(default_factory=list)
    floating_ips: list[FloatingIpRequest] = Field(default_factory=list, max_length=1)
    server_group: str | None = None
    ssh_public_key: str | None = None
    user_data: str = ""
    availability_zone: str | None = None

    _flavor = field_validator("flavor", "image", "server_group", mode="before")(_reference)

    @field_validator("security_groups", mode="before")
    @classmethod
    def _groups(cls, value: Any) -> Any:
        return [_reference(item) for item in value] if isinstance(value, list) else value


class InstanceCreate(InstanceAttributes):
    """An instance made directly (not ordered): in which tenant."""

    tenant: str = Field(description="The tenant (uuid or URL).")


class ChangeFlavorRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flavor: str

    _flavor = field_validator("flavor", mode="before")(_reference)


class AttachVolumeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    volume: str = Field(description="The volume (uuid or URL).")


class SecurityGroupsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    security_groups: list[str]

    @field_validator("security_groups", mode="before")
    @classmethod
    def _groups(cls, value: Any) -> Any:
        return [_reference(item) for item in value] if isinstance(value, list) else value


class NestedVolume(BaseModel):
    url: str
    uuid: UUID
    name: str
    size: int
    bootable: bool
    device: str
    type_name: str
    state: str
    runtime_state: str


class InstanceRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    description: str
    resource_type: str = "OpenStack.Instance"
    state: str
    runtime_state: str
    error_message: str
    backend_id: str
    action: str
    action_details: dict[str, Any]
    flavor_name: str
    cores: int
    ram: int
    disk: int
    image_name: str
    key_name: str
    availability_zone: str
    server_group: str | None
    security_groups: list[str]
    internal_ips: list[str]
    external_ips: list[str]
    ports: list[dict[str, Any]]
    floating_ips: list[dict[str, Any]]
    volumes: list[NestedVolume]
    tenant: str
    tenant_uuid: UUID
    service_settings: str
    service_settings_uuid: UUID
    project: str
    project_uuid: UUID
    customer: str
    customer_uuid: UUID
    marketplace_resource_uuid: UUID | None
    start_time: datetime | None
    metadata: dict[str, str] = Field(description="The server's Nova metadata, as last pulled.")
    backend_missing_since: datetime | None = Field(
        description="Since when pulls have found the server gone from the cloud (null while "
        "the cloud has it); the record goes once the grace period has passed."
    )
    progress: Progress | None
    created: datetime
    modified: datetime
