"""Placing orders: every check happens here, before any event leaves marketplace.

An order for a new resource is refused with 400 field errors for an unknown or
invisible offering or project, an offering that is not active, a missing, foreign or
archived plan, limits outside the components' ranges or over the plan's quotas, and
attributes the owning service would refuse (e.g. a CIDR that is not private, an external
network the cloud lacks). Only then are the resource and the order written, and the
order handed over at once when its creator's role approves it (see `approval`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, PermissionDenied, ValidationFailed
from stackyard_common.auth import Principal, has_role, roles_held
from stackyard_marketplace.identity_client import IdentityClient
from stackyard_marketplace.offerings import repository as offerings
from stackyard_marketplace.offerings.models import Offering, OfferingState, Plan
from stackyard_marketplace.orders import approval, repository
from stackyard_marketplace.orders.limits import check_limits
from stackyard_marketplace.orders.models import Order, OrderState, OrderType
from stackyard_marketplace.orders.schemas import OrderCreate
from stackyard_marketplace.processors import processor_for
from stackyard_marketplace.projects.models import ProjectRecord
from stackyard_marketplace.projects.service import find_project
from stackyard_marketplace.resources.models import Resource, ResourceState
from stackyard_marketplace.web import parse_reference

__all__ = ["create_order", "get_visible", "new_order", "ordering_project", "plan_for"]


async def get_visible(session: AsyncSession, principal: Principal, order: uuid.UUID) -> Order:
    """The order if `principal` may see it; `NotFound` otherwise."""
    found = await repository.by_uuid(session, order, principal)
    if found is None:
        raise NotFound
    return found


async def ordering_project(
    session: AsyncSession, identity: IdentityClient, principal: Principal, project: uuid.UUID
) -> ProjectRecord:
    """The project, if `principal` sees it (400 otherwise) and may order in it (403)."""
    found = await find_project(session, identity, project)
    visible = found is not None and (
        principal.sees_everything
        or bool(await roles_held(session, principal, customer=found.customer_uuid, project=project))
    )
    if found is None or not visible:
        raise ValidationFailed.field("project", "No such project.")
    allowed = await has_role(
        session, principal, approval.ORDERING_ROLES, customer=found.customer_uuid, project=project
    )
    if not allowed:
        raise PermissionDenied
    return found


async def plan_for(session: AsyncSession, offering: Offering, reference: str | None) -> Plan | None:
    """The plan an order names: required when the offering has plans, and one of them."""
    plans = (await offerings.plans_of(session, [offering.uuid])).get(offering.uuid, [])
    if reference is None:
        if any(not plan.archived for plan in plans):
            raise ValidationFailed.field("plan", "This field is required.")
        return None
    plan_uuid = parse_reference("plan", reference)
    plan = next((plan for plan in plans if plan.uuid == plan_uuid), None)
    if plan is None:
        raise ValidationFailed.field("plan", "No such plan in this offering.")
    if plan.archived:
        raise ValidationFailed.field("plan", "The plan is archived.")
    return plan


def new_order(
    principal: Principal,
    kind: OrderType,
    resource: Resource,
    limits: dict[str, int],
    attributes: dict[str, Any],
) -> Order:
    """An order of `kind` for `resource` (its state is set by the caller)."""
    return Order(
        type=kind.value,
        state=OrderState.PENDING_CONSUMER,
        offering_uuid=resource.offering_uuid,
        plan_uuid=resource.plan_uuid,
        resource_uuid=resource.uuid,
        project_uuid=resource.project_uuid,
        customer_uuid=resource.customer_uuid,
        provider_uuid=resource.provider_uuid,
        limits=limits,
        attributes=attributes,
        created_by_uuid=principal.uuid,
        created_by_username=principal.username,
    )


async def create_order(
    session: AsyncSession, identity: IdentityClient, principal: Principal, data: OrderCreate
) -> Order:
    """Check and place an order for a new resource (see the module's docstring)."""
    project = await ordering_project(
        session, identity, principal, parse_reference("project", data.project)
    )
    offering = await offerings.by_uuid(
        session,
        parse_reference("offering", data.offering),
        offerings.public_filter(principal, project.uuid),
    )
    if offering is None:
        raise ValidationFailed.field("offering", "No such offering.")
    if offering.state != OfferingState.ACTIVE:
        raise ValidationFailed.field("offering", f"The offering is {offering.state.lower()}.")
    plan = await plan_for(session, offering, data.plan)
    components = (await offerings.components_of(session, [offering.uuid])).get(offering.uuid, [])
    limits = check_limits(components, plan, data.limits)
    attributes = await processor_for(offering).check_create(
        identity, offering, project, data.attributes
    )
    resource = Resource(
        name=str(attributes.get("name") or offering.name)[:150],
        description=str(attributes.get("description") or ""),
        state=ResourceState.CREATING,
        offering_uuid=offering.uuid,
        plan_uuid=plan.uuid if plan else None,
        project_uuid=project.uuid,
        customer_uuid=project.customer_uuid,
        provider_uuid=offering.customer_uuid,
        resource_type=offering.type,
        limits=limits,
        attributes=attributes,
    )
    session.add(resource)
    await session.flush()
    order = new_order(principal, OrderType.CREATE, resource, limits, attributes)
    session.add(order)
    await session.flush()
    state = await approval.initial_state(session, principal, order)
    if state is OrderState.EXECUTING:
        await approval.start(session, principal, order, resource, offering)
    else:
        order.state = state
    await session.flush()
    await session.refresh(order)
    return order
