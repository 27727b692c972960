"""Private offerings: a tenant that turns OK gets an `OpenStack.Instance` and an
`OpenStack.Volume` offering of its own (when `AUTOMATICALLY_CREATE_PRIVATE_OFFERING`).

They belong to the tenant's organisation, are visible to its project only (`shared`
false), point at the tenant (`scope_uuid`) and at the tenant offering they came from
(`parent_uuid`), and follow its storage mode: a `storage` component in fixed mode, one
`volume_type_<name>` component per volume type in dynamic mode (added as the cloud
reports new types). They are archived when the tenant goes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_marketplace.categories.repository import ensure_category
from stackyard_marketplace.offerings import repository as offerings
from stackyard_marketplace.offerings.components import (
    DYNAMIC,
    Billing,
    default_components,
    volume_type_component,
)
from stackyard_marketplace.offerings.models import Offering, OfferingState, OfferingType
from stackyard_marketplace.offerings.service import add_components
from stackyard_marketplace.resources.models import Resource

__all__ = ["CATEGORIES", "archive_for_tenant", "create_for_tenant", "sync_volume_types"]

CATEGORIES = {
    OfferingType.INSTANCE: ("Virtual machines", "Virtual machines in your OpenStack tenants."),
    OfferingType.VOLUME: ("Volumes", "Block storage in your OpenStack tenants."),
}
NAMES = {OfferingType.INSTANCE: "virtual machines", OfferingType.VOLUME: "volumes"}


async def _of_tenant(session: AsyncSession, tenant: uuid.UUID) -> list[Offering]:
    found = await session.execute(
        select(Offering).where(
            Offering.scope_uuid == tenant,
            Offering.type.in_([OfferingType.INSTANCE.value, OfferingType.VOLUME.value]),
        )
    )
    return list(found.scalars())


async def create_for_tenant(
    session: AsyncSession, resource: Resource, volume_types: Iterable[str]
) -> list[Offering]:
    """The tenant's private offerings, made unless they exist (idempotent)."""
    if resource.backend_uuid is None:
        return []
    existing = {offering.type for offering in await _of_tenant(session, resource.backend_uuid)}
    parent = await offerings.by_uuid(session, resource.offering_uuid)
    mode = str((parent.plugin_options if parent else {}).get("storage_mode", "fixed"))
    made = []
    for kind in (OfferingType.INSTANCE, OfferingType.VOLUME):
        if kind.value in existing:
            continue
        title, description = CATEGORIES[kind]
        category = await ensure_category(session, title, description)
        offering = Offering(
            name=f"{resource.name} {NAMES[kind]}",
            description=f"{NAMES[kind].capitalize()} in tenant {resource.name}.",
            type=kind.value,
            state=OfferingState.ACTIVE.value,
            category_uuid=category.uuid,
            customer_uuid=resource.customer_uuid,
            shared=False,
            project_uuid=resource.project_uuid,
            scope_uuid=resource.backend_uuid,
            parent_uuid=resource.offering_uuid,
            plugin_options={"storage_mode": mode},
            options={},
        )
        session.add(offering)
        await session.flush()
        await add_components(session, offering, default_components(kind, mode, volume_types))
        made.append(offering)
    return made


async def archive_for_tenant(session: AsyncSession, tenant: uuid.UUID) -> None:
    """Archive the private offerings of a tenant that is gone."""
    await session.execute(
        update(Offering)
        .where(
            Offering.scope_uuid == tenant,
            Offering.type.in_([OfferingType.INSTANCE.value, OfferingType.VOLUME.value]),
        )
        .values(state=OfferingState.ARCHIVED.value)
    )


async def sync_volume_types(
    session: AsyncSession, offering_uuids: Iterable[uuid.UUID], volume_types: Iterable[str]
) -> None:
    """Give dynamic-mode offerings a component for each volume type they lack."""
    names = list(volume_types)
    rows = await session.execute(select(Offering).where(Offering.uuid.in_(list(offering_uuids))))
    for offering in rows.scalars():
        if offering.plugin_options.get("storage_mode") != DYNAMIC:
            continue
        billing: Billing = "limit" if offering.type == OfferingType.TENANT else "fixed"
        have = {
            component.type
            for component in (await offerings.components_of(session, [offering.uuid])).get(
                offering.uuid, []
            )
        }
        missing = [volume_type_component(name, billing) for name in names]
        await add_components(session, offering, [c for c in missing if c.type not in have])
