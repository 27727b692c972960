"""`/api/openstack-volume-types/` and `/api/openstack-volume-availability-zones/`: what
the cloud offers each tenant, readable by whoever sees the tenant."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, select

from stackyard_common.api import NotAuthenticated, NotFound, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser, Principal, visible_filter
from stackyard_common.db import SessionDep
from stackyard_common.resources.references import absolute_url
from stackyard_common.tenants import tenants
from stackyard_storage.volume_types.models import VolumeAvailabilityZone, VolumeType

__all__ = ["router"]

router = APIRouter(tags=["openstack-volume-types"])
ERRORS = error_responses(NotAuthenticated, NotFound)
TYPES, ZONES = "/api/openstack-volume-types", "/api/openstack-volume-availability-zones"


class VolumeTypeRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    description: str
    backend_id: str
    settings: str
    settings_uuid: UUID
    tenant_uuid: UUID


class ZoneRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    available: bool
    settings: str
    settings_uuid: UUID
    tenant_uuid: UUID


def _visible(model: Any, principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    return (
        select(model)
        .join(tenants, tenants.c.uuid == model.tenant_uuid)
        .where(
            tenants.c.deleted.is_(False),
            visible_filter(principal, tenants.c.customer_uuid, tenants.c.project_uuid),
            *conditions,
        )
        .order_by(model.name, model.uuid)
    )


def _type_read(request: Request, item: VolumeType) -> VolumeTypeRead:
    return VolumeTypeRead(
        url=absolute_url(request, f"{TYPES}/{item.uuid}/"),
        uuid=item.uuid,
        name=item.name,
        description=item.description,
        backend_id=item.backend_id,
        settings=absolute_url(request, f"/api/service-settings/{item.service_settings_uuid}/"),
        settings_uuid=item.service_settings_uuid,
        tenant_uuid=item.tenant_uuid,
    )


def _zone_read(request: Request, item: VolumeAvailabilityZone) -> ZoneRead:
    return ZoneRead(
        url=absolute_url(request, f"{ZONES}/{item.uuid}/"),
        uuid=item.uuid,
        name=item.name,
        available=item.available,
        settings=absolute_url(request, f"/api/service-settings/{item.service_settings_uuid}/"),
        settings_uuid=item.service_settings_uuid,
        tenant_uuid=item.tenant_uuid,
    )


@router.get(f"{TYPES}/", responses=ERRORS, summary="Volume types of the tenants one sees")
async def list_types(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: UUID | None = None,
    name: str | None = None,
    settings_uuid: UUID | None = None,
) -> list[VolumeTypeRead]:
    conditions: list[ColumnElement[bool]] = []
    if tenant_uuid is not None:
        conditions.append(VolumeType.tenant_uuid == tenant_uuid)
    if settings_uuid is not None:
        conditions.append(VolumeType.service_settings_uuid == settings_uuid)
    if name is not None:
        conditions.append(VolumeType.name.icontains(name, autoescape=True))
    rows = await paginate(session, _visible(VolumeType, principal, *conditions), page)
    return [_type_read(request, row) for row in rows]


@router.get(f"{TYPES}/{{type_uuid}}/", responses=ERRORS, summary="One volume type")
async def get_type(
    request: Request, type_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> VolumeTypeRead:
    query = _visible(VolumeType, principal, VolumeType.uuid == type_uuid)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return _type_read(request, found)


@router.get(f"{ZONES}/", responses=ERRORS, summary="Volume availability zones")
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
        conditions.append(VolumeAvailabilityZone.tenant_uuid == tenant_uuid)
    if settings_uuid is not None:
        conditions.append(VolumeAvailabilityZone.service_settings_uuid == settings_uuid)
    rows = await paginate(session, _visible(VolumeAvailabilityZone, principal, *conditions), page)
    return [_zone_read(request, row) for row in rows]


@router.get(f"{ZONES}/{{zone_uuid}}/", responses=ERRORS, summary="One volume availability zone")
async def get_zone(
    request: Request, zone_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> ZoneRead:
    query = _visible(VolumeAvailabilityZone, principal, VolumeAvailabilityZone.uuid == zone_uuid)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return _zone_read(request, found)
