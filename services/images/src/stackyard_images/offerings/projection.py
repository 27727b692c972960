"""Keeping `tenant_offerings` in step with marketplace's tenant order events, and
reading a tenant's image limits from it.

Limits (`image_count_total_limit`, `image_size_total_limit` in the offering's
`plugin_options`) come from the newest order event of the tenant's marketplace
resource; a tenant whose offering sets none, or whose orders this service never heard
of, falls back on `ImagesSettings`. None or a negative value means unlimited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_common.tenants import TenantRecord
from stackyard_images.offerings.models import TenantOffering
from stackyard_images.settings import ImagesSettings

__all__ = [
    "ORDER_EVENT_TYPES",
    "ImageLimits",
    "apply_order_event",
    "image_limits",
    "provider_of",
    "tenant_offerings_consumer",
]

ORDER_EVENT_TYPES = ("tenant.create_requested.v1", "tenant.update_requested.v1")
COUNT_LIMIT = "image_count_total_limit"
SIZE_LIMIT = "image_size_total_limit"
KEY = "marketplace_resource_uuid"


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """A tenant's image limits; None is unlimited."""

    count: int | None
    size: int | None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


async def apply_order_event(envelope: Envelope, session: AsyncSession) -> None:
    """Remember the offering (and its plugin options) of one tenant order event.

    Idempotent and order-proof: an older event never overwrites a newer one.
    """
    if envelope.type not in ORDER_EVENT_TYPES:
        return
    payload = envelope.payload
    resource = _uuid(payload.get("resource_uuid"))
    offering = _uuid(payload.get("offering_uuid"))
    if resource is None or offering is None:
        return
    values = {
        "marketplace_resource_uuid": resource,
        "offering_uuid": offering,
        "provider_uuid": _uuid(payload.get("provider_uuid")),
        "plugin_options": dict(payload.get("plugin_options") or {}),
        "version": envelope.occurred_at,
    }
    statement = insert(TenantOffering).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[TenantOffering.marketplace_resource_uuid],
        set_={name: statement.excluded[name] for name in values if name != KEY},
        where=TenantOffering.version < statement.excluded.version,
    )
    await session.execute(statement)


tenant_offerings_consumer: Consumer = consumer("tenant-offerings", routing_keys=ORDER_EVENT_TYPES)(
    apply_order_event
)
"""The consumer that keeps `tenant_offerings` in step."""


async def _offering(session: AsyncSession, tenant: TenantRecord) -> TenantOffering | None:
    if tenant.marketplace_resource_uuid is None:
        return None
    found = await session.execute(
        select(TenantOffering).where(
            TenantOffering.marketplace_resource_uuid == tenant.marketplace_resource_uuid
        )
    )
    return found.scalar_one_or_none()


def _normal(value: Any) -> int | None:
    """A limit as a number of images or bytes; None (unlimited) for none or a negative."""
    if value is None or isinstance(value, bool):
        return None
    number = int(value)
    return number if number >= 0 else None


def _limit(options: dict[str, Any], key: str, fallback: int | None) -> int | None:
    value = options.get(key)
    if value is None:
        return _normal(fallback)
    try:
        return _normal(value)
    except (TypeError, ValueError):  # a provider's typo must not lift the limit
        return _normal(fallback)


async def image_limits(
    session: AsyncSession, tenant: TenantRecord, settings: ImagesSettings
) -> ImageLimits:
    """The image limits of `tenant`: its offering's, else the settings'."""
    offering = await _offering(session, tenant)
    options = offering.plugin_options if offering is not None else {}
    return ImageLimits(
        count=_limit(options, COUNT_LIMIT, settings.image_count_total_limit),
        size=_limit(options, SIZE_LIMIT, settings.image_size_total_limit),
    )


async def provider_of(session: AsyncSession, tenant: TenantRecord) -> uuid.UUID | None:
    """The organisation providing `tenant`'s offering, when the order events said so."""
    offering = await _offering(session, tenant)
    return offering.provider_uuid if offering is not None else None
