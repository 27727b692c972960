"""Offerings: created and changed by staff and the providing organisation's owners.

An `OpenStack.Tenant` offering's `secret_options` become a cloud connection in identity
(its internal API); the offering keeps only the connection's uuid (`scope_uuid`). The
secrets are never stored here, logged, or put in an event.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal, Role, require_role
from stackyard_marketplace.categories import repository as categories
from stackyard_marketplace.identity_client import IdentityClient
from stackyard_marketplace.offerings import repository
from stackyard_marketplace.offerings.components import (
    DYNAMIC,
    FIXED,
    VOLUME_TYPE_PREFIX,
    check_components,
    check_plans,
    default_components,
)
from stackyard_marketplace.offerings.models import (
    Offering,
    OfferingComponent,
    OfferingState,
    OfferingType,
    Plan,
)
from stackyard_marketplace.offerings.schemas import (
    OfferingComponentIn,
    OfferingCreate,
    OfferingUpdate,
    OpenStackSecretOptions,
    PlanIn,
)
from stackyard_marketplace.web import parse_reference

__all__ = [
    "add_components",
    "add_plans",
    "change_state",
    "create_offering",
    "ensure_provider",
    "get_for_provider",
    "secret_options",
    "update_offering",
]

# Which states each action may start from.
TRANSITIONS = {
    "activate": ({OfferingState.DRAFT, OfferingState.PAUSED}, OfferingState.ACTIVE),
    "pause": ({OfferingState.ACTIVE}, OfferingState.PAUSED),
    "archive": (
        {OfferingState.DRAFT, OfferingState.ACTIVE, OfferingState.PAUSED},
        OfferingState.ARCHIVED,
    ),
}


async def ensure_provider(session: AsyncSession, principal: Principal, customer: uuid.UUID) -> None:
    """403 unless `principal` is staff or owns the providing organisation."""
    await require_role(session, principal, [Role.CUSTOMER_OWNER], customer=customer)


async def get_for_provider(
    session: AsyncSession, principal: Principal, offering_uuid: uuid.UUID
) -> Offering:
    """The offering if `principal` sees it as a provider; `NotFound` otherwise."""
    offering = await repository.by_uuid(
        session, offering_uuid, repository.provider_filter(principal)
    )
    if offering is None:
        raise NotFound
    return offering


def _connection_body(
    name: str, customer: uuid.UUID, secrets: dict[str, Any], principal: Principal
) -> dict[str, Any]:
    return {
        **secrets,
        "name": name,
        "shared": False,
        "customer": str(customer),
        "actor_uuid": str(principal.uuid),
        "actor_username": principal.username,
    }


async def add_components(
    session: AsyncSession, offering: Offering, components: list[OfferingComponentIn]
) -> None:
    """Add `components` to `offering`."""
    session.add_all(
        OfferingComponent(offering_uuid=offering.uuid, **component.model_dump())
        for component in components
    )
    await session.flush()


async def add_plans(session: AsyncSession, offering: Offering, plans: list[PlanIn]) -> list[Plan]:
    """Add `plans` to `offering`; returns them."""
    rows = [
        Plan(
            offering_uuid=offering.uuid,
            **plan.model_dump(exclude={"prices"}),
            prices={key: str(value) for key, value in plan.prices.items()},
        )
        for plan in plans
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def create_offering(
    session: AsyncSession, identity: IdentityClient, principal: Principal, data: OfferingCreate
) -> Offering:
    """Check and create an offering, and its cloud connection for a tenant offering."""
    customer = parse_reference("customer", data.customer)
    await ensure_provider(session, principal, customer)
    if await identity.customer_name(customer) is None:
        raise ValidationFailed.field("customer", "No such organisation.")
    category = await categories.by_uuid(session, parse_reference("category", data.category))
    if category is None:
        raise ValidationFailed.field("category", "No such category.")
    project = parse_reference("project", data.project) if data.project else None
    if project is not None and data.shared:
        raise ValidationFailed.field("project", "Only a private offering belongs to a project.")
    if data.type is OfferingType.TENANT and data.secret_options is None:
        raise ValidationFailed.field("secret_options", "An OpenStack.Tenant offering needs them.")
    if data.type is not OfferingType.TENANT and data.secret_options is not None:
        raise ValidationFailed.field("secret_options", "Only OpenStack.Tenant offerings take them.")
    storage_mode = data.plugin_options.storage_mode
    components = data.components or default_components(data.type, storage_mode)
    check_components(components)
    check_plans(data.plans, {component.type for component in components})
    scope = None
    if data.secret_options is not None:
        scope = await identity.create_connection(
            _connection_body(data.name, customer, data.secret_options.model_dump(), principal)
        )
    offering = Offering(
        name=data.name,
        description=data.description,
        type=data.type.value,
        category_uuid=category.uuid,
        customer_uuid=customer,
        shared=data.shared,
        project_uuid=project,
        scope_uuid=scope,
        plugin_options=data.plugin_options.model_dump(mode="json", exclude_none=True),
        options=data.options,
    )
    session.add(offering)
    await session.flush()
    await add_components(session, offering, components)
    await add_plans(session, offering, data.plans)
    await session.refresh(offering)
    return offering


async def _follow_storage_mode(session: AsyncSession, offering: Offering, mode: str) -> None:
    # Fixed mode has one `storage` limit; dynamic mode one per volume type instead.
    components = (await repository.components_of(session, [offering.uuid])).get(offering.uuid, [])
    types = {component.type for component in components}
    if mode == DYNAMIC:
        await session.execute(
            delete(OfferingComponent).where(
                OfferingComponent.offering_uuid == offering.uuid,
                OfferingComponent.type == "storage",
            )
        )
    elif mode == FIXED:
        await session.execute(
            delete(OfferingComponent).where(
                OfferingComponent.offering_uuid == offering.uuid,
                OfferingComponent.type.startswith(VOLUME_TYPE_PREFIX),
            )
        )
        if "storage" not in types:
            storage = default_components(OfferingType(offering.type), FIXED)
            await add_components(session, offering, [c for c in storage if c.type == "storage"])


async def update_offering(
    session: AsyncSession,
    identity: IdentityClient,
    principal: Principal,
    offering: Offering,
    data: OfferingUpdate,
) -> Offering:
    """Apply a partial update (staff and provider owners); secret options go to identity."""
    await ensure_provider(session, principal, offering.customer_uuid)
    if data.category is not None:
        category = await categories.by_uuid(session, parse_reference("category", data.category))
        if category is None:
            raise ValidationFailed.field("category", "No such category.")
        offering.category_uuid = category.uuid
    for name in ("name", "description", "options"):
        value = getattr(data, name)
        if value is not None:
            setattr(offering, name, value)
    if data.plugin_options is not None:
        new_mode = data.plugin_options.storage_mode
        if new_mode != offering.plugin_options.get("storage_mode", FIXED):
            await _follow_storage_mode(session, offering, new_mode)
        offering.plugin_options = data.plugin_options.model_dump(mode="json", exclude_none=True)
    if data.secret_options is not None:
        changes = data.secret_options.model_dump(exclude_unset=True)
        if offering.scope_uuid is None:
            raise ValidationFailed.field("secret_options", "This offering takes none.")
        if changes:
            await identity.update_connection(
                offering.scope_uuid,
                {
                    **changes,
                    "actor_uuid": str(principal.uuid),
                    "actor_username": principal.username,
                },
            )
    await session.flush()
    await session.refresh(offering)
    return offering


async def change_state(
    session: AsyncSession, principal: Principal, offering: Offering, action: str, reason: str = ""
) -> Offering:
    """`activate`, `pause` or `archive` (409 from a state that forbids it)."""
    await ensure_provider(session, principal, offering.customer_uuid)
    sources, target = TRANSITIONS[action]
    if offering.state not in sources:
        raise Conflict(f"An offering in state {offering.state} cannot {action}.")
    offering.state = target
    offering.paused_reason = reason if target is OfferingState.PAUSED else ""
    await session.flush()
    await session.refresh(offering)
    return offering


async def secret_options(identity: IdentityClient, offering: Offering) -> dict[str, Any]:
    """The offering's secret options, decrypted by identity ({} for none)."""
    if offering.scope_uuid is None or offering.type != OfferingType.TENANT:
        return {}
    credentials = await identity.credentials(offering.scope_uuid)
    return OpenStackSecretOptions(
        backend_url=credentials.auth_url,
        username=credentials.username,
        password=credentials.password.get_secret_value(),
        tenant_name=credentials.project,
        domain=credentials.domain,
        external_network_id=credentials.external_network_id,
        verify_ssl=credentials.verify_ssl,
        availability_zone=credentials.availability_zone,
    ).model_dump()
