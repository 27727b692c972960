"""How marketplace resources look in the API."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_marketplace.offerings.models import Offering, OfferingType
from stackyard_marketplace.resources.models import Resource
from stackyard_marketplace.resources.schemas import MarketplaceResourceRead
from stackyard_marketplace.web import absolute_url, url_of

__all__ = ["SCOPE_COLLECTIONS", "resource_reads"]

# Where the owning service serves each kind of backend resource.
SCOPE_COLLECTIONS = {
    OfferingType.TENANT: "openstack-tenants",
    OfferingType.INSTANCE: "openstack-instances",
    OfferingType.VOLUME: "openstack-volumes",
}


async def resource_reads(
    request: Request, session: AsyncSession, resources: Sequence[Resource]
) -> list[MarketplaceResourceRead]:
    """The API's views of `resources`."""
    offerings = {
        row.uuid: row
        for row in (
            await session.execute(
                select(Offering).where(Offering.uuid.in_({r.offering_uuid for r in resources}))
            )
        ).scalars()
    }
    views = []
    for resource in resources:
        offering = offerings[resource.offering_uuid]
        collection = SCOPE_COLLECTIONS.get(OfferingType(offering.type), "")
        views.append(
            MarketplaceResourceRead(
                uuid=resource.uuid,
                url=absolute_url(request, f"/api/marketplace-resources/{resource.uuid}/"),
                name=resource.name,
                description=resource.description,
                state=resource.state,
                resource_type=resource.resource_type,
                offering=absolute_url(
                    request, f"/api/marketplace-public-offerings/{offering.uuid}/"
                ),
                offering_uuid=offering.uuid,
                offering_name=offering.name,
                offering_type=offering.type,
                plan=url_of(request, "marketplace-plans", resource.plan_uuid),
                plan_uuid=resource.plan_uuid,
                project=absolute_url(request, f"/api/projects/{resource.project_uuid}/"),
                project_uuid=resource.project_uuid,
                customer_uuid=resource.customer_uuid,
                provider_uuid=resource.provider_uuid,
                limits=resource.limits,
                attributes=resource.attributes,
                scope=url_of(request, collection, resource.backend_uuid),
                resource_uuid=resource.backend_uuid,
                backend_id=resource.backend_id,
                backend_metadata=resource.backend_metadata or {},
                error_message=resource.error_message,
                created=resource.created,
                modified=resource.modified,
            )
        )
    return views
