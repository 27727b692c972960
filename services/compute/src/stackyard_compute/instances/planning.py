"""Checking a new instance against its tenant, before anything starts, and resolving it
into the plan its provisioning saga follows.

Each reference must exist in the tenant: the flavor and image (uuid, URL, name or the
cloud's id), the zone (required when `REQUIRE_AVAILABILITY_ZONE`), the server group
(OK); storage must accept the system and data volumes (type, size for the image, the
tenant's quotas). A port without a subnet goes to the tenant's own subnet. Field errors
are named as in the request, under `prefix` (`attributes.` for orders).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.tenants import TenantRecord
from stackyard_compute.common.runtime import ComputeRuntime
from stackyard_compute.common.settings import ComputeSettings, compute_settings
from stackyard_compute.flavors.models import Flavor, TenantImage
from stackyard_compute.flavors.properties import find, zone_names
from stackyard_compute.instances import storage_client
from stackyard_compute.instances.schemas import InstanceAttributes
from stackyard_compute.server_groups.models import ServerGroup

__all__ = ["InstancePlan", "check_volumes", "plan_instance"]

KEY_PREFIXES = ("ssh-", "ecdsa-", "sk-")


class InstancePlan:
    """A checked request: the instance's own fields and the saga's plan."""

    def __init__(self, fields: dict[str, Any], plan: dict[str, Any]) -> None:
        self.fields = fields
        self.plan = plan


def _subnet_of(reference: str | None) -> str | None:
    return reference.rstrip("/").rsplit("/", 1)[-1] if reference else None


def _uuid_of(reference: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(reference.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


async def _server_group(
    session: AsyncSession, tenant: TenantRecord, reference: str
) -> ServerGroup | None:
    try:
        key = uuid.UUID(reference.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None
    group = await session.get(ServerGroup, key)
    if group is None or group.tenant_uuid != tenant.uuid or group.state != "OK":
        return None
    return group


async def plan_instance(
    session: AsyncSession,
    tenant: TenantRecord,
    data: InstanceAttributes,
    *,
    prefix: str = "",
    settings: ComputeSettings | None = None,
) -> InstancePlan:
    """The instance `data` asks for, checked against what compute knows of the tenant
    (see the module's docstring; `check_volumes` asks storage the rest)."""
    errors: dict[str, str] = {}
    flavor = await find(session, Flavor, tenant.uuid, data.flavor)
    if flavor is None:
        errors["flavor"] = "No such flavor in the tenant."
    image = await find(session, TenantImage, tenant.uuid, data.image)
    if image is None:
        errors["image"] = "No such image in the tenant."
    zones = await zone_names(session, tenant.uuid)
    if data.availability_zone:
        if zones and data.availability_zone not in zones:
            errors["availability_zone"] = "No such availability zone."
    elif (settings or compute_settings()).require_availability_zone:
        errors["availability_zone"] = "This field is required."
    group = None
    if data.server_group:
        group = await _server_group(session, tenant, data.server_group)
        if group is None:
            errors["server_group"] = "No such server group in the tenant (or it is not OK)."
    via = (settings or compute_settings()).ports_via
    ports = []
    for index, port in enumerate(data.ports):
        fixed_ip = port.fixed_ips[0].ip_address if port.fixed_ips else None
        subnet = _subnet_of(port.subnet)
        if via == "network":
            subnet_uuid = _uuid_of(subnet) if subnet else None
            if subnet and subnet_uuid is None:
                errors[f"ports.{index}.subnet"] = "Name the subnet by its uuid or URL."
            ports.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "subnet_uuid": str(subnet_uuid) if subnet_uuid else None,
                    "fixed_ip": fixed_ip,
                }
            )
            continue
        subnet = subnet or tenant.subnet_id
        if not subnet:
            errors["ports"] = "The tenant has no subnet of its own: name one."
        network = tenant.internal_network_id if subnet == tenant.subnet_id else None
        ports.append({"subnet_id": subnet, "network_id": network, "fixed_ip": fixed_ip})
    group_uuids = None
    if via == "network" and data.security_groups:
        group_uuids = [_uuid_of(group) for group in data.security_groups]
        if None in group_uuids:
            errors["security_groups"] = "Name the groups by their uuids or URLs."
    floating_ips = []
    for item in data.floating_ips:
        existing = _uuid_of(item.url) if item.url else None
        if via == "network" and item.ip_address and existing is None:
            errors["floating_ips"] = "Name an existing floating IP by its uuid or URL."
        floating_ips.append(
            {
                "uuid": str(uuid.uuid4()),
                "floating_ip_uuid": str(existing) if existing else None,
                "ip_address": item.ip_address,
            }
        )
    if data.ssh_public_key and not data.ssh_public_key.strip().startswith(KEY_PREFIXES):
        errors["ssh_public_key"] = "Not an OpenSSH public key."
    if errors:
        raise ValidationFailed({f"{prefix}{name}": message for name, message in errors.items()})
    assert flavor is not None
    assert image is not None
    volumes = [
        {
            "uuid": str(uuid.uuid4()),
            "role": "system",
            "size": data.system_volume_size,
            "type": data.system_volume_type,
            "image": image.backend_id,
        }
    ]
    if data.data_volume_size:
        volumes.append(
            {
                "uuid": str(uuid.uuid4()),
                "role": "data",
                "size": data.data_volume_size,
                "type": data.data_volume_type,
                "image": None,
            }
        )
    key = None
    if data.ssh_public_key:
        key = {"public_key": data.ssh_public_key.strip()}
    fields = {
        "name": data.name,
        "description": data.description,
        "flavor_backend_id": flavor.backend_id,
        "flavor_name": flavor.name,
        "cores": flavor.cores,
        "ram": flavor.ram,
        "disk": data.system_volume_size,
        "image_backend_id": image.backend_id,
        "image_name": image.name,
        "availability_zone": data.availability_zone or "",
        "user_data": data.user_data,
        "server_group_uuid": group.uuid if group else None,
        "security_groups": list(data.security_groups) or ["default"],
    }
    plan = {
        "flavor_id": flavor.backend_id,
        "image_id": image.backend_id,
        "availability_zone": data.availability_zone,
        "server_group_id": group.backend_id if group else None,
        "ports_via": via,
        "security_groups": fields["security_groups"],
        "security_group_uuids": [str(group) for group in group_uuids] if group_uuids else None,
        "ports": ports,
        "floating_ips": floating_ips,
        "volumes": volumes,
        "key": key,
    }
    return InstancePlan(fields, plan)


async def check_volumes(
    runtime: ComputeRuntime,
    tenant: TenantRecord,
    planned: InstancePlan,
    *,
    prefix: str = "",
) -> None:
    """`ValidationFailed` unless storage would make the planned volumes (their types,
    sizes for the image, the tenant's quotas)."""
    for volume in planned.plan["volumes"]:
        role = volume["role"]
        await storage_client.validate(
            runtime,
            {
                "tenant_uuid": str(tenant.uuid),
                "name": f"{planned.fields['name']}-{role}",
                "size": volume["size"],
                "type": volume["type"],
                "availability_zone": planned.fields["availability_zone"] or None,
                "image": volume["image"],
            },
            {
                "size": f"{prefix}{role}_volume_size",
                "type": f"{prefix}{role}_volume_type",
                "image": f"{prefix}image",
                "availability_zone": f"{prefix}availability_zone",
            },
        )
