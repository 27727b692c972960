"""Lost resources found again: compute's and storage's recoveries import servers and
volumes that exist in a tenant's cloud project without a record, and say so with

    instance.imported.v1 / volume.imported.v1

carrying the record (`instance_uuid` / `volume_uuid`, `tenant_uuid`, `project_uuid`,
`customer_uuid`, `backend_id`, `name`, `state`) and the uuid they chose for its
marketplace resource (`marketplace_resource_uuid`). The marketplace makes that resource,
with that uuid, in the tenant's private offering of the kind (made first when the tenant
has none yet), so the resource's later events find it. A resource that exists already is
left as it is, which makes a repeated event harmless.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_marketplace.offerings.models import Offering, OfferingState, OfferingType
from stackyard_marketplace.private_offerings import create_for_tenant
from stackyard_marketplace.resources.models import Resource, ResourceState

__all__ = ["IMPORTS", "apply_import_event", "imports_consumer"]

log = structlog.get_logger(__name__)

IMPORTS = {
    "instance.imported.v1": OfferingType.INSTANCE,
    "volume.imported.v1": OfferingType.VOLUME,
}
STATES = {"OK": ResourceState.OK, "ERRED": ResourceState.ERRED}
# What the resource shows of the cloud's resource, beside its name (as the record has it).
ATTRIBUTES = ("flavor_name", "cores", "ram", "disk", "size", "type_name", "bootable")


async def _tenant_offering(
    session: AsyncSession, tenant: uuid.UUID, kind: OfferingType
) -> Offering | None:
    query = select(Offering).where(
        Offering.scope_uuid == tenant,
        Offering.type == kind.value,
        Offering.state != OfferingState.ARCHIVED.value,
    )
    return (await session.execute(query)).scalars().first()


async def _offering_for(
    session: AsyncSession, tenant: uuid.UUID, kind: OfferingType
) -> Offering | None:
    """The tenant's private offering of `kind`, made now if the tenant's marketplace
    resource exists but its private offerings were never made."""
    found = await _tenant_offering(session, tenant, kind)
    if found is not None:
        return found
    tenant_resource = (
        (
            await session.execute(
                select(Resource).where(
                    Resource.backend_uuid == tenant,
                    Resource.resource_type == OfferingType.TENANT.value,
                    Resource.state != ResourceState.TERMINATED,
                )
            )
        )
        .scalars()
        .first()
    )
    if tenant_resource is None:
        return None
    await create_for_tenant(session, tenant_resource, [])
    return await _tenant_offering(session, tenant, kind)


def _uuid(payload: dict[str, Any], name: str) -> uuid.UUID | None:
    value = payload.get(name)
    return uuid.UUID(str(value)) if value else None


async def apply_import_event(envelope: Envelope, session: AsyncSession) -> Resource | None:
    """Make the marketplace resource of an imported instance or volume (idempotent);
    None when it cannot be made: no tenant in the marketplace to offer it under."""
    payload = envelope.payload
    kind = IMPORTS[envelope.type]
    resource_uuid = _uuid(payload, "marketplace_resource_uuid")
    tenant = _uuid(payload, "tenant_uuid")
    if resource_uuid is None or tenant is None:
        log.warning(
            "import without resource or tenant", event_type=envelope.type, id=str(envelope.id)
        )
        return None
    existing = await session.get(Resource, resource_uuid)
    if existing is not None:
        return existing
    offering = await _offering_for(session, tenant, kind)
    if offering is None:
        log.warning(
            "imported resource has no tenant offering",
            event_type=envelope.type,
            tenant_uuid=str(tenant),
            marketplace_resource_uuid=str(resource_uuid),
        )
        return None
    record_field = f"{envelope.type.split('.', 1)[0]}_uuid"
    resource = Resource(
        uuid=resource_uuid,
        name=str(payload.get("name") or payload.get("backend_id") or "imported")[:150],
        description=str(payload.get("description") or ""),
        state=STATES.get(str(payload.get("state")), ResourceState.OK),
        offering_uuid=offering.uuid,
        plan_uuid=None,
        project_uuid=_uuid(payload, "project_uuid") or offering.project_uuid,
        customer_uuid=_uuid(payload, "customer_uuid") or offering.customer_uuid,
        provider_uuid=offering.customer_uuid,
        resource_type=kind.value,
        limits={},
        attributes={
            "imported": True,
            **{name: payload[name] for name in ATTRIBUTES if payload.get(name) is not None},
        },
        backend_uuid=_uuid(payload, record_field),
        backend_id=str(payload.get("backend_id") or ""),
        backend_metadata=dict(payload.get("metadata") or {}),
        error_message=str(payload.get("error_message") or ""),
    )
    session.add(resource)
    await session.flush()
    log.info(
        "imported resource offered",
        resource_type=kind.value,
        marketplace_resource_uuid=str(resource_uuid),
        tenant_uuid=str(tenant),
    )
    return resource


async def _handle(envelope: Envelope, session: AsyncSession) -> None:
    await apply_import_event(envelope, session)


imports_consumer: Consumer = consumer("resource-imports", routing_keys=tuple(IMPORTS))(_handle)
