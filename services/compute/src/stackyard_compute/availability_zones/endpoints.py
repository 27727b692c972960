"""`/api/openstack-instance-availability-zones/`: the compute zones of each tenant."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement

from stackyard_common.api import NotAuthenticated, NotFound, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_common.resources.references import absolute_url
from stackyard_compute.availability_zones.models import InstanceAvailabilityZone as Zone
from stackyard_compute.common.tenant_properties import visible_properties

__all__ = ["router"]

PATH = "/api/openstack-instance-availability-zones"
router = APIRouter(prefix=PATH, tags=["openstack-instance-availability-zones"])
ERRORS = error_responses(NotAuthenticated, NotFound)


class ZoneRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    available: bool
    settings: str
    settings_uuid: UUID
    tenant_uuid: UUID


def _read(request: Request, zone: Zone) -> ZoneRead:
    return ZoneRead(
        url=absolute_url(request, f"{PATH}/{zone.uuid}/"),
        uuid=zone.uuid,
        name=zone.name,
        available=zone.available,
        settings=absolute_url(request, f"/api/service-settings/{zone.service_settings_uuid}/"),
        settings_uuid=zone.service_settings_uuid,
        tenant_uuid=zone.tenant_uuid,
    )


@router.get("/", responses=ERRORS, summary="Compute zones of the tenants one sees")
async def list_zones(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: UUID | None = None,
    settings_uuid: UUID | None = None,
) -> list[ZoneRead]:
    conditions: list[ColumnElement[bool]] = []
    if tenant_uuid is not None:
        conditions.append(Zone.tenant_uuid == tenant_uuid)
    if settings_uuid is not None:
        conditions.append(Zone.service_settings_uuid == settings_uuid)
    rows = await paginate(session, visible_properties(Zone, principal, *conditions), page)
    return [_read(request, row) for row in rows]


@router.get("/{zone_uuid}/", responses=ERRORS, summary="One compute zone")
async def get_zone(
    request: Request, zone_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> ZoneRead:
    query = visible_properties(Zone, principal, Zone.uuid == zone_uuid)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return _read(request, found)
