"""How instances look in the API: with their volumes (as storage last reported them),
addresses, and the progress of their newest saga run."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.references import absolute_url
from stackyard_common.resources.schemas import progress_of
from stackyard_common.sagas import saga_progress
from stackyard_compute.instances.events import addresses
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.schemas import InstanceRead, NestedVolume
from stackyard_compute.volumes.projection import attached_to

__all__ = ["COLLECTION", "instance_reads"]

COLLECTION = "/api/openstack-instances"


async def instance_reads(
    request: Request, session: AsyncSession, instances: Sequence[Instance]
) -> list[InstanceRead]:
    """The API's views of `instances`."""

    def url(path: str) -> str:
        return absolute_url(request, path)

    views = []
    for instance in instances:
        internal, external = addresses(instance)
        volumes = [
            NestedVolume(
                url=url(f"/api/openstack-volumes/{volume.uuid}/"),
                uuid=volume.uuid,
                name=volume.name,
                size=volume.size,
                bootable=volume.bootable,
                device=volume.device,
                type_name=volume.type_name,
                state=volume.state,
                runtime_state=volume.runtime_state,
            )
            for volume in await attached_to(session, instance.uuid)
        ]
        group = instance.server_group_uuid
        views.append(
            InstanceRead(
                url=url(f"{COLLECTION}/{instance.uuid}/"),
                uuid=instance.uuid,
                name=instance.name,
                description=instance.description,
                state=instance.state,
                runtime_state=instance.runtime_state,
                error_message=instance.error_message,
                backend_id=instance.backend_id,
                action=instance.action,
                action_details=instance.action_details,
                flavor_name=instance.flavor_name,
                cores=instance.cores,
                ram=instance.ram,
                disk=instance.disk,
                image_name=instance.image_name,
                key_name=instance.key_name,
                availability_zone=instance.availability_zone,
                server_group=url(f"/api/openstack-server-groups/{group}/") if group else None,
                security_groups=list(instance.security_groups),
                internal_ips=internal,
                external_ips=external,
                ports=list(instance.ports),
                floating_ips=list(instance.floating_ips),
                volumes=volumes,
                tenant=url(f"/api/openstack-tenants/{instance.tenant_uuid}/"),
                tenant_uuid=instance.tenant_uuid,
                service_settings=url(f"/api/service-settings/{instance.service_settings_uuid}/"),
                service_settings_uuid=instance.service_settings_uuid,
                project=url(f"/api/projects/{instance.project_uuid}/"),
                project_uuid=instance.project_uuid,
                customer=url(f"/api/customers/{instance.customer_uuid}/"),
                customer_uuid=instance.customer_uuid,
                marketplace_resource_uuid=instance.marketplace_resource_uuid,
                start_time=instance.start_time,
                metadata=dict(instance.server_metadata),
                backend_missing_since=instance.backend_missing_since,
                progress=progress_of(await saga_progress(session, instance.uuid)),
                created=instance.created,
                modified=instance.modified,
            )
        )
    return views
