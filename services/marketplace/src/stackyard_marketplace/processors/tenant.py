"""`OpenStack.Tenant` orders: checked by identity, handed to identity by event."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.auth import Principal
from stackyard_common.events import Envelope, publish
from stackyard_marketplace.identity_client import IdentityClient
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.orders.models import Order, OrderType
from stackyard_marketplace.projects.models import ProjectRecord
from stackyard_marketplace.resources.models import Resource

__all__ = ["EVENT_TYPES", "TenantProcessor"]

SOURCE = "marketplace"
EVENT_TYPES = {
    OrderType.CREATE: "tenant.create_requested.v1",
    OrderType.UPDATE: "tenant.update_requested.v1",
    OrderType.TERMINATE: "tenant.terminate_requested.v1",
}
VERBS = {
    OrderType.CREATE: "creation",
    OrderType.UPDATE: "update",
    OrderType.TERMINATE: "termination",
}


class TenantProcessor:
    """Tenants: identity validates the attributes and runs the sagas."""

    async def check_create(
        self,
        identity: IdentityClient,
        offering: Offering,
        project: ProjectRecord,
        attributes: dict[str, Any],
    ) -> dict[str, Any]:
        if offering.scope_uuid is None:
            raise ValidationFailed.field("offering", "The offering has no cloud connection.")
        return await identity.validate_tenant(
            offering.scope_uuid, project.customer_uuid, attributes
        )

    async def request(
        self,
        session: AsyncSession,
        order: Order,
        resource: Resource,
        offering: Offering,
        actor: Principal,
    ) -> None:
        kind = OrderType(order.type)
        payload = {
            "order_uuid": str(order.uuid),
            "resource_uuid": str(resource.uuid),
            "resource_type": "marketplace_resource",
            "resource_name": resource.name,
            "offering_uuid": str(offering.uuid),
            "offering_name": offering.name,
            "cloud_connection_uuid": str(offering.scope_uuid) if offering.scope_uuid else None,
            "customer_uuid": str(order.customer_uuid),
            "project_uuid": str(order.project_uuid),
            "tenant_uuid": str(resource.backend_uuid) if resource.backend_uuid else None,
            "name": resource.name,
            "description": resource.description,
            "limits": order.limits,
            "attributes": order.attributes,
            "plugin_options": offering.plugin_options,
            "actor_uuid": str(actor.uuid),
            "actor_username": actor.username,
            "message": f"Tenant {resource.name}: {VERBS[kind]} ordered by {actor.username}.",
        }
        await publish(
            session,
            Envelope(
                type=EVENT_TYPES[kind],
                source=SOURCE,
                organisation=order.customer_uuid,
                project=order.project_uuid,
                tenant=resource.backend_uuid,
                payload=payload,
            ),
        )
