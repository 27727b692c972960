"""How volumes look in the API (with each one's newest saga run when asked)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.references import absolute_url
from stackyard_common.resources.schemas import progress_of
from stackyard_common.sagas import saga_progress
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.schemas import VolumeRead

__all__ = ["COLLECTION", "volume_reads"]

COLLECTION = "/api/openstack-volumes"


async def volume_reads(
    request: Request, session: AsyncSession, volumes: Sequence[Volume], *, with_progress: bool
) -> list[VolumeRead]:
    """The API's views of `volumes`."""

    def url(path: str) -> str:
        return absolute_url(request, path)

    views = []
    for volume in volumes:
        progress = await saga_progress(session, volume.uuid) if with_progress else None
        views.append(
            VolumeRead(
                url=url(f"{COLLECTION}/{volume.uuid}/"),
                uuid=volume.uuid,
                name=volume.name,
                description=volume.description,
                state=volume.state,
                runtime_state=volume.runtime_state,
                error_message=volume.error_message,
                backend_id=volume.backend_id,
                size=volume.size,
                type=volume.type_name or None,
                type_name=volume.type_name,
                availability_zone=volume.availability_zone,
                bootable=volume.bootable,
                image=volume.image_id,
                image_name=volume.image_name,
                source_snapshot=(
                    url(f"/api/openstack-snapshots/{volume.source_snapshot_uuid}/")
                    if volume.source_snapshot_uuid
                    else None
                ),
                instance=(
                    url(f"/api/openstack-instances/{volume.instance_uuid}/")
                    if volume.instance_uuid
                    else None
                ),
                instance_uuid=volume.instance_uuid,
                instance_name=volume.instance_name,
                device=volume.device,
                metadata=dict(volume.cloud_metadata or {}),
                backend_missing_since=volume.backend_missing_since,
                extend_enabled=volume.state == "OK",
                tenant=url(f"/api/openstack-tenants/{volume.tenant_uuid}/"),
                tenant_uuid=volume.tenant_uuid,
                service_settings=url(f"/api/service-settings/{volume.service_settings_uuid}/"),
                service_settings_uuid=volume.service_settings_uuid,
                project=url(f"/api/projects/{volume.project_uuid}/"),
                project_uuid=volume.project_uuid,
                customer=url(f"/api/customers/{volume.customer_uuid}/"),
                customer_uuid=volume.customer_uuid,
                marketplace_resource_uuid=volume.marketplace_resource_uuid,
                progress=progress_of(progress),
                created=volume.created,
                modified=volume.modified,
            )
        )
    return views
