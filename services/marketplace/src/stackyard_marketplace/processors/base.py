"""The processor interface and the registry by offering type."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_common.auth import Principal
from stackyard_marketplace.identity_client import IdentityClient
from stackyard_marketplace.offerings.models import Offering, OfferingType
from stackyard_marketplace.orders.models import Order
from stackyard_marketplace.projects.models import ProjectRecord
from stackyard_marketplace.resources.models import Resource

__all__ = ["Processor", "processor_for"]


class Processor(Protocol):
    """How orders for one offering type are checked and handed over."""

    async def check_create(
        self,
        identity: IdentityClient,
        offering: Offering,
        project: ProjectRecord,
        attributes: dict[str, Any],
    ) -> dict[str, Any]:
        """The attributes, normalised; `ValidationFailed` (under `attributes`) when the
        owning service would refuse them."""

    async def request(
        self,
        session: AsyncSession,
        order: Order,
        resource: Resource,
        offering: Offering,
        actor: Principal,
    ) -> None:
        """Hand an executing order to the owning service (an event in `session`)."""


def processor_for(offering: Offering) -> Processor:
    """The processor of `offering`'s type; `ValidationFailed` on `offering` for a type no
    service processes yet."""
    from stackyard_marketplace.processors.tenant import TenantProcessor
    from stackyard_marketplace.processors.tenant_resources import INSTANCES, VOLUMES

    if offering.type == OfferingType.TENANT:
        return TenantProcessor()
    if offering.type == OfferingType.INSTANCE:
        return INSTANCES
    if offering.type == OfferingType.VOLUME:
        return VOLUMES
    raise ValidationFailed.field(
        "offering", f"Orders for {offering.type} offerings are not processed yet."
    )
