"""`OpenStack.Instance` and `OpenStack.Volume` orders: checked by the owning service
(compute, storage) on its internal API, handed to it by event.

    offering type         checked by                              requests
    OpenStack.Instance    compute  POST /internal/instances/validate   instance.*_requested.v1
    OpenStack.Volume      storage  POST /internal/volumes/validate     volume.*_requested.v1

The offering's scope is the tenant (a private offering made for it), so requests carry
`tenant_uuid` the offering's scope. A termination order's attributes may say
`{"action": "force_destroy"}`: the instance goes with its volumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ServiceUnavailable, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_common.events import Envelope, publish
from stackyard_common.internal import call_service
from stackyard_marketplace.identity_client import IdentityClient, _dotted
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.orders.models import Order, OrderType
from stackyard_marketplace.projects.models import ProjectRecord
from stackyard_marketplace.resources.models import Resource

__all__ = ["INSTANCES", "VOLUMES", "TenantResourceProcessor"]

SOURCE = "marketplace"
EVENT_KINDS = {
    OrderType.CREATE: "create",
    OrderType.UPDATE: "update",
    OrderType.TERMINATE: "terminate",
}
VERBS = {
    OrderType.CREATE: "creation",
    OrderType.UPDATE: "update",
    OrderType.TERMINATE: "termination",
}


@dataclass(frozen=True)
class TenantResourceProcessor:
    """Orders for resources made inside a tenant by `service` (`kind`: its events)."""

    kind: str
    service: str

    async def check_create(
        self,
        identity: IdentityClient,
        offering: Offering,
        project: ProjectRecord,
        attributes: dict[str, Any],
    ) -> dict[str, Any]:
        if offering.scope_uuid is None:
            raise ValidationFailed.field("offering", "The offering belongs to no tenant.")
        path, body = self._validation(offering, attributes)
        response = await call_service(
            identity.settings, SOURCE, self.service, "POST", path, json=body
        )
        if response.status_code == 400:
            raise ValidationFailed(self._errors(_dotted(response.json())))
        if response.status_code != 200:
            raise ServiceUnavailable(f"The {self.service} service answered {response.status_code}.")
        normalised: dict[str, Any] = response.json().get("attributes") or attributes
        return normalised

    def _errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        if self.kind == "instance":
            return errors  # compute names them under `attributes.` itself
        return {
            "offering" if name == "tenant" else f"attributes.{name}": messages
            for name, messages in errors.items()
        }

    def _validation(
        self, offering: Offering, attributes: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        if self.kind == "instance":
            return "/internal/instances/validate", {
                "tenant_uuid": str(offering.scope_uuid),
                "attributes": attributes,
            }
        # Storage checks a volume as it would make it: the errors name its fields.
        return "/internal/volumes/validate", {"tenant_uuid": str(offering.scope_uuid), **attributes}

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
            "tenant_uuid": str(offering.scope_uuid) if offering.scope_uuid else None,
            "customer_uuid": str(order.customer_uuid),
            "project_uuid": str(order.project_uuid),
            f"{self.kind}_uuid": str(resource.backend_uuid) if resource.backend_uuid else None,
            "name": resource.name,
            "description": resource.description,
            "limits": order.limits,
            "attributes": order.attributes,
            "actor_uuid": str(actor.uuid),
            "actor_username": actor.username,
            "message": (
                f"{self.kind.capitalize()} {resource.name}: {VERBS[kind]} ordered by "
                f"{actor.username}."
            ),
        }
        await publish(
            session,
            Envelope(
                type=f"{self.kind}.{EVENT_KINDS[kind]}_requested.v1",
                source=SOURCE,
                organisation=order.customer_uuid,
                project=order.project_uuid,
                tenant=offering.scope_uuid,
                payload=payload,
            ),
        )


INSTANCES = TenantResourceProcessor("instance", "compute")
VOLUMES = TenantResourceProcessor("volume", "storage")
