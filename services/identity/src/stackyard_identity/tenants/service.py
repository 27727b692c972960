"""Tenants: made from an order (or by staff directly), changed and torn down by sagas.

Making a tenant writes its record, starts its provisioning saga and records
`tenant.created.v1` in one transaction: either all of it happens or none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.sagas import start_saga
from stackyard_identity.audit.recording import SYSTEM, Actor
from stackyard_identity.tenants.attributes import TenantAttributes
from stackyard_identity.tenants.events import CREATED, STATE_CHANGED, tenant_event
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.quotas import quotas_from_limits
from stackyard_identity.tenants.sagas.provisioning import provision_tenant

__all__ = ["TenantRequest", "by_marketplace_resource", "create_tenant", "refuse_order"]


@dataclass(frozen=True, slots=True)
class TenantRequest:
    """Everything a new tenant is made from."""

    customer: uuid.UUID
    project: uuid.UUID
    connection: uuid.UUID
    attributes: TenantAttributes
    limits: Mapping[str, int]
    plugin_options: Mapping[str, Any]
    marketplace_resource: uuid.UUID | None = None
    marketplace_offering: uuid.UUID | None = None
    order: uuid.UUID | None = None


async def by_marketplace_resource(session: AsyncSession, resource: uuid.UUID) -> Tenant | None:
    """The tenant made for a marketplace resource, if any."""
    found = await session.execute(
        select(Tenant).where(Tenant.marketplace_resource_uuid == resource)
    )
    return found.scalar_one_or_none()


async def create_tenant(
    session: AsyncSession, request: TenantRequest, actor: Actor = SYSTEM
) -> Tenant:
    """Write the tenant (CREATION_SCHEDULED) and start its provisioning saga."""
    attributes = request.attributes
    security_groups = (
        [group.model_dump() for group in attributes.security_groups]
        if attributes.security_groups is not None
        else None
    )
    tenant = Tenant(
        name=attributes.name,
        description=attributes.description,
        state=TenantState.CREATION_SCHEDULED.value,
        customer_uuid=request.customer,
        project_uuid=request.project,
        connection_uuid=request.connection,
        marketplace_resource_uuid=request.marketplace_resource,
        marketplace_offering_uuid=request.marketplace_offering,
        availability_zone=attributes.availability_zone,
        subnet_cidr=attributes.subnet_cidr,
        external_network_id=attributes.external_network_id or "",
        options={
            "storage_mode": request.plugin_options.get("storage_mode", "fixed"),
            "mtu": request.plugin_options.get("default_internal_network_mtu"),
            "skip_connection_extnet": attributes.skip_connection_extnet,
            "skip_creation_of_default_router": attributes.skip_creation_of_default_router,
            "skip_creation_of_default_subnet": attributes.skip_creation_of_default_subnet,
            "security_groups": security_groups,
        },
        quotas=quotas_from_limits(request.limits),
    )
    session.add(tenant)
    await session.flush()
    await session.refresh(tenant)
    data = {"order_uuid": str(request.order)} if request.order else {}
    await start_saga(session, provision_tenant, tenant.uuid, data)
    await tenant_event(session, CREATED, tenant, order=request.order, actor=actor)
    return tenant


async def refuse_order(
    session: AsyncSession, tenant: Tenant, order: uuid.UUID, reason: str
) -> None:
    """End an order the tenant cannot take now (its state unchanged)."""
    await tenant_event(
        session,
        STATE_CHANGED,
        tenant,
        order=order,
        order_result="erred",
        order_error=reason,
    )
