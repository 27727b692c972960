"""How offerings and plans look in the API (provider and public views)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_marketplace.categories.models import Category
from stackyard_marketplace.offerings import repository
from stackyard_marketplace.offerings.models import Offering, OfferingComponent, Plan
from stackyard_marketplace.offerings.schemas import OfferingComponentRead, OfferingRead, PlanRead
from stackyard_marketplace.web import absolute_url, url_of

__all__ = ["PROVIDER", "PUBLIC", "offering_reads", "plan_read"]

PROVIDER = "marketplace-provider-offerings"
PUBLIC = "marketplace-public-offerings"


def plan_read(request: Request, plan: Plan, collection: str = PROVIDER) -> PlanRead:
    """The API's view of a plan."""
    return PlanRead(
        uuid=plan.uuid,
        url=absolute_url(request, f"/api/marketplace-plans/{plan.uuid}/"),
        name=plan.name,
        description=plan.description,
        unit=plan.unit,
        unit_price=str(plan.unit_price),
        prices={key: str(value) for key, value in plan.prices.items()},
        quotas={key: int(value) for key, value in plan.quotas.items()},
        archived=plan.archived,
        offering=absolute_url(request, f"/api/{collection}/{plan.offering_uuid}/"),
        offering_uuid=plan.offering_uuid,
    )


def _component(component: OfferingComponent) -> OfferingComponentRead:
    return OfferingComponentRead(
        uuid=component.uuid,
        type=component.type,
        name=component.name,
        description=component.description,
        measured_unit=component.measured_unit,
        billing_type=component.billing_type,
        min_value=component.min_value,
        max_value=component.max_value,
        default_limit=component.default_limit,
    )


async def offering_reads(
    request: Request,
    session: AsyncSession,
    offerings: Sequence[Offering],
    *,
    collection: str = PROVIDER,
) -> list[OfferingRead]:
    """The API's views of `offerings`, with components, plans (archived ones only in the
    provider view) and category titles; the public view leaves `plugin_options` out."""
    uuids = [offering.uuid for offering in offerings]
    components = await repository.components_of(session, uuids)
    plans = await repository.plans_of(session, uuids)
    categories = {offering.category_uuid for offering in offerings}
    titles: dict[uuid.UUID, str] = dict(
        (
            await session.execute(
                select(Category.uuid, Category.title).where(Category.uuid.in_(categories))
            )
        ).all()
    )
    public = collection == PUBLIC
    return [
        OfferingRead(
            uuid=offering.uuid,
            url=absolute_url(request, f"/api/{collection}/{offering.uuid}/"),
            name=offering.name,
            description=offering.description,
            type=offering.type,
            state=offering.state,
            paused_reason=offering.paused_reason,
            category=absolute_url(
                request, f"/api/marketplace-categories/{offering.category_uuid}/"
            ),
            category_uuid=offering.category_uuid,
            category_title=titles.get(offering.category_uuid, ""),
            customer=absolute_url(request, f"/api/customers/{offering.customer_uuid}/"),
            customer_uuid=offering.customer_uuid,
            shared=offering.shared,
            project=url_of(request, "projects", offering.project_uuid),
            project_uuid=offering.project_uuid,
            scope_uuid=offering.scope_uuid,
            parent_uuid=offering.parent_uuid,
            plugin_options=None if public else offering.plugin_options,
            options=offering.options,
            components=[_component(c) for c in components.get(offering.uuid, [])],
            plans=[
                plan_read(request, plan, collection)
                for plan in plans.get(offering.uuid, [])
                if not (public and plan.archived)
            ],
            created=offering.created,
            modified=offering.modified,
        )
        for offering in offerings
    ]
