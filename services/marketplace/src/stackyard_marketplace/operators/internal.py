"""The marketplace's internal API for operators' commands and identity's quota checks,
on the marketplace's own port only (service tokens; the gateway never routes it).

    GET /internal/offerings?reference=          an offering by uuid or exact name: its type
                                                and cloud connection
    GET /internal/resources/{uuid}              a resource: its state and limits
    PUT /internal/resources/{uuid}/limits       import limits into a resource

An import keeps only the offering's `limit` components (a cloud quota the offering does
not sell is not a limit of its resources); `dry_run` answers what would change and
changes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from stackyard_common.api import NotFound, ValidationFailed
from stackyard_common.auth import ServiceCaller
from stackyard_common.db import SessionDep
from stackyard_marketplace.offerings.models import Offering, OfferingComponent
from stackyard_marketplace.resources.models import Resource

__all__ = ["LimitsImport", "router"]

router = APIRouter(include_in_schema=False)

log = structlog.get_logger(__name__)


class LimitsImport(BaseModel):
    """Limits by component type, as the cloud holds them now."""

    model_config = ConfigDict(extra="forbid")

    limits: dict[str, int]
    dry_run: bool = False


def _offering(offering: Offering) -> dict[str, Any]:
    return {
        "uuid": str(offering.uuid),
        "name": offering.name,
        "type": offering.type,
        "state": offering.state,
        "scope_uuid": str(offering.scope_uuid) if offering.scope_uuid else None,
        "plugin_options": offering.plugin_options,
    }


def _resource(resource: Resource) -> dict[str, Any]:
    return {
        "uuid": str(resource.uuid),
        "name": resource.name,
        "state": resource.state,
        "resource_type": resource.resource_type,
        "offering_uuid": str(resource.offering_uuid),
        "backend_uuid": str(resource.backend_uuid) if resource.backend_uuid else None,
        "limits": resource.limits,
    }


@router.get("/internal/offerings")
async def offering_by_reference(
    reference: str, caller: ServiceCaller, session: SessionDep
) -> dict[str, Any]:
    """The offering of that uuid, or else of exactly that name; 404 when none, 400 when
    the name is not unique."""
    try:
        by_uuid = await session.get(Offering, uuid.UUID(reference))
    except ValueError:
        by_uuid = None
    if by_uuid is not None:
        return _offering(by_uuid)
    named = list((await session.scalars(select(Offering).where(Offering.name == reference))).all())
    if not named:
        raise NotFound(f"No offering {reference!r}.")
    if len(named) > 1:
        uuids = ", ".join(sorted(str(o.uuid) for o in named))
        raise ValidationFailed(f"{len(named)} offerings are named {reference!r}: {uuids}.")
    return _offering(named[0])


@router.get("/internal/resources/{resource_uuid}")
async def resource_limits(
    resource_uuid: uuid.UUID, caller: ServiceCaller, session: SessionDep
) -> dict[str, Any]:
    resource = await session.get(Resource, resource_uuid)
    if resource is None:
        raise NotFound("No such resource.")
    return _resource(resource)


@router.put("/internal/resources/{resource_uuid}/limits")
async def import_limits(
    resource_uuid: uuid.UUID, data: LimitsImport, caller: ServiceCaller, session: SessionDep
) -> dict[str, Any]:
    """The resource's limits after the import, and what changed (`[old, new]` by
    component); unchanged limits and ones the offering does not sell are left alone."""
    resource = await session.get(Resource, resource_uuid, with_for_update=True)
    if resource is None:
        raise NotFound("No such resource.")
    sold = set(
        (
            await session.scalars(
                select(OfferingComponent.type).where(
                    OfferingComponent.offering_uuid == resource.offering_uuid,
                    OfferingComponent.billing_type == "limit",
                )
            )
        ).all()
    )
    changes = {
        name: [resource.limits.get(name), value]
        for name, value in sorted(data.limits.items())
        if name in sold and resource.limits.get(name) != value
    }
    if changes and not data.dry_run:
        resource.limits = {**resource.limits, **{name: new for name, (_, new) in changes.items()}}
        await session.flush()
        log.info("limits imported", resource=str(resource.uuid), caller=caller, changes=changes)
    answer = _resource(resource)
    answer["changed"] = changes
    return answer
