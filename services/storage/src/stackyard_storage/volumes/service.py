"""Making volumes: from the API, from `OpenStack.Volume` orders and for compute's
instances, all checked the same way before anything starts.

A request names a size (MiB, Cinder's GiB times 1024), a type, a zone, an image or a
snapshot; each must exist in the tenant, the zone is required when
`REQUIRE_AVAILABILITY_ZONE`, and the tenant's quotas must hold it (a 400 naming the
quota otherwise). Making a volume writes its record, starts its saga and records
`volume.created.v1` in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.openstack import NotFound as CloudNotFound
from stackyard_common.resources.events import SYSTEM, Actor
from stackyard_common.resources.records import ResourceState
from stackyard_common.sagas import start_saga
from stackyard_common.tenants import TenantRecord
from stackyard_storage.common.cloud import gib, mib
from stackyard_storage.common.runtime import StorageRuntime
from stackyard_storage.common.settings import storage_settings
from stackyard_storage.volume_types.service import find_type, zone_names
from stackyard_storage.volumes.events import CREATED, volume_event
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.quotas import check_quotas
from stackyard_storage.volumes.sagas import create_volume as create_volume_saga

__all__ = ["VolumeSpec", "checked_spec", "create_volume", "resolved_spec"]


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    """A volume to make, its references resolved."""

    name: str
    size: int
    description: str = ""
    type_name: str = ""
    availability_zone: str = ""
    image_id: str = ""
    image_name: str = ""
    source_snapshot: uuid.UUID | None = None
    source_backup: uuid.UUID | None = None
    role: str = ""
    saga_data: dict[str, str] = field(default_factory=dict)


def _field(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


async def resolved_spec(
    session: AsyncSession,
    tenant: TenantRecord,
    *,
    name: str,
    size: int | None,
    description: str = "",
    type_ref: str | None = None,
    zone: str | None = None,
    image: str | None = None,
    prefix: str = "",
    role: str = "",
) -> VolumeSpec:
    """The volume a request asks for, its type and zone checked against what the tenant
    offers (no cloud call); field errors are named with `prefix` (e.g. `attributes.`)."""
    errors: dict[str, str] = {}
    type_name = ""
    if type_ref:
        found_type = await find_type(session, tenant.uuid, type_ref)
        if found_type is None:
            errors[_field(prefix, "type")] = "No such volume type in the tenant."
        else:
            type_name = found_type.name
    zones = await zone_names(session, tenant.uuid)
    if zone:
        if zones and zone not in zones:
            errors[_field(prefix, "availability_zone")] = "No such availability zone."
    elif storage_settings().require_availability_zone:
        errors[_field(prefix, "availability_zone")] = "This field is required."
    if errors:
        raise ValidationFailed(errors)
    return VolumeSpec(
        name=name,
        size=mib(gib(size or 1024)),  # what Cinder will make
        description=description,
        type_name=type_name,
        availability_zone=zone or "",
        image_id=image or "",
        role=role,
    )


async def checked_spec(
    session: AsyncSession,
    runtime: StorageRuntime,
    tenant: TenantRecord,
    *,
    name: str,
    size: int | None,
    description: str = "",
    type_ref: str | None = None,
    zone: str | None = None,
    image: str | None = None,
    prefix: str = "",
    role: str = "",
) -> VolumeSpec:
    """`resolved_spec`, and what only the cloud knows: the image (and the size it needs,
    the default size) and the tenant's quotas."""
    spec = await resolved_spec(
        session,
        tenant,
        name=name,
        size=size,
        description=description,
        type_ref=type_ref,
        zone=zone,
        image=image,
        prefix=prefix,
        role=role,
    )
    client = await runtime.clouds.client(tenant.uuid)
    image_name, min_size = "", 1024
    if image:
        try:
            found_image = await client.image.get_image(image)
        except CloudNotFound as error:
            raise ValidationFailed.field(_field(prefix, "image"), "No such image.") from error
        image_name = found_image.name or ""
        min_size = mib(max(1, int(found_image.raw.get("min_disk") or 0)))
    if size is not None and size < min_size:
        raise ValidationFailed.field(
            _field(prefix, "size"), f"The image needs at least {min_size} MiB."
        )
    spec = replace(spec, size=mib(gib(size or min_size)), image_name=image_name)
    await check_quotas(
        session,
        client,
        tenant.uuid,
        tenant.backend_id,
        {"volumes": 1, "gigabytes": gib(spec.size)},
        field=_field(prefix, "size"),
        type_name=spec.type_name,
    )
    return spec


async def create_volume(
    session: AsyncSession,
    tenant: TenantRecord,
    spec: VolumeSpec,
    *,
    actor: Actor = SYSTEM,
    volume_uuid: uuid.UUID | None = None,
    order: uuid.UUID | None = None,
    marketplace_resource: uuid.UUID | None = None,
    marketplace_offering: uuid.UUID | None = None,
) -> Volume:
    """Write the volume (CREATION_SCHEDULED) and start its creation saga."""
    assert tenant.customer_uuid is not None
    assert tenant.project_uuid is not None
    volume = Volume(
        uuid=volume_uuid or uuid.uuid4(),
        name=spec.name,
        description=spec.description,
        state=ResourceState.CREATION_SCHEDULED.value,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        service_settings_uuid=tenant.cloud_connection_uuid,
        size=spec.size,
        type_name=spec.type_name,
        availability_zone=spec.availability_zone,
        image_id=spec.image_id,
        image_name=spec.image_name,
        source_snapshot_uuid=spec.source_snapshot,
        source_backup_uuid=spec.source_backup,
        role=spec.role,
        marketplace_resource_uuid=marketplace_resource,
        marketplace_offering_uuid=marketplace_offering,
    )
    session.add(volume)
    await session.flush()
    await session.refresh(volume)
    data: dict[str, object] = {**spec.saga_data, **actor.as_data()}
    if order is not None:
        data["order_uuid"] = str(order)
    await start_saga(session, create_volume_saga, volume.uuid, data)
    await volume_event(session, CREATED, volume, actor=actor, order=order)
    return volume
