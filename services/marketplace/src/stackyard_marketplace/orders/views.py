"""How orders look in the API."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.orders.models import Order
from stackyard_marketplace.orders.schemas import OrderRead
from stackyard_marketplace.projects.models import ProjectRecord
from stackyard_marketplace.resources.models import Resource
from stackyard_marketplace.web import absolute_url, url_of

__all__ = ["order_reads"]


async def order_reads(
    request: Request, session: AsyncSession, orders: Sequence[Order]
) -> list[OrderRead]:
    """The API's views of `orders`, with the names of what they refer to."""
    offerings = {
        row.uuid: row
        for row in (
            await session.execute(
                select(Offering).where(Offering.uuid.in_({o.offering_uuid for o in orders}))
            )
        ).scalars()
    }
    projects = {
        row.uuid: row
        for row in (
            await session.execute(
                select(ProjectRecord).where(
                    ProjectRecord.uuid.in_({o.project_uuid for o in orders})
                )
            )
        ).scalars()
    }
    names = dict(
        (
            await session.execute(
                select(Resource.uuid, Resource.name).where(
                    Resource.uuid.in_({o.resource_uuid for o in orders})
                )
            )
        ).all()
    )
    views = []
    for order in orders:
        offering = offerings[order.offering_uuid]
        project = projects.get(order.project_uuid)
        views.append(
            OrderRead(
                uuid=order.uuid,
                url=absolute_url(request, f"/api/marketplace-orders/{order.uuid}/"),
                type=order.type,
                state=order.state,
                offering=absolute_url(
                    request, f"/api/marketplace-public-offerings/{offering.uuid}/"
                ),
                offering_uuid=offering.uuid,
                offering_name=offering.name,
                offering_type=offering.type,
                plan=url_of(request, "marketplace-plans", order.plan_uuid),
                plan_uuid=order.plan_uuid,
                project=absolute_url(request, f"/api/projects/{order.project_uuid}/"),
                project_uuid=order.project_uuid,
                project_name=project.name if project else "",
                customer_uuid=order.customer_uuid,
                customer_name=project.customer_name if project else "",
                provider_uuid=order.provider_uuid,
                marketplace_resource_uuid=order.resource_uuid,
                resource_name=names.get(order.resource_uuid, ""),
                limits=order.limits,
                attributes=order.attributes,
                error_message=order.error_message,
                created_by_uuid=order.created_by_uuid,
                created_by_username=order.created_by_username,
                consumer_reviewed_by=order.consumer_reviewed_by,
                consumer_reviewed_at=order.consumer_reviewed_at,
                provider_reviewed_by=order.provider_reviewed_by,
                provider_reviewed_at=order.provider_reviewed_at,
                completed_at=order.completed_at,
                created=order.created,
                modified=order.modified,
            )
        )
    return views
