"""`/api/openstack-flavors/`: the flavors each tenant may use (the reference API's
filters: tenant, settings, name, and exact or bounded cores, RAM and disk)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement

from stackyard_common.api import NotAuthenticated, NotFound, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_common.resources.references import absolute_url
from stackyard_compute.common.tenant_properties import visible_properties
from stackyard_compute.flavors.models import Flavor

__all__ = ["FlavorRead", "router"]

PATH = "/api/openstack-flavors"
router = APIRouter(prefix=PATH, tags=["openstack-flavors"])
ERRORS = error_responses(NotAuthenticated, NotFound)


class FlavorRead(BaseModel):
    url: str
    uuid: UUID
    name: str
    display_name: str
    backend_id: str
    cores: int
    ram: int
    disk: int
    settings: str
    settings_uuid: UUID
    tenant_uuid: UUID


def _read(request: Request, flavor: Flavor) -> FlavorRead:
    return FlavorRead(
        url=absolute_url(request, f"{PATH}/{flavor.uuid}/"),
        uuid=flavor.uuid,
        name=flavor.name,
        display_name=f"{flavor.name} ({flavor.cores} cores, {flavor.ram} MiB RAM)",
        backend_id=flavor.backend_id,
        cores=flavor.cores,
        ram=flavor.ram,
        disk=flavor.disk,
        settings=absolute_url(request, f"/api/service-settings/{flavor.service_settings_uuid}/"),
        settings_uuid=flavor.service_settings_uuid,
        tenant_uuid=flavor.tenant_uuid,
    )


@router.get("/", responses=ERRORS, summary="Flavors of the tenants one sees")
async def list_flavors(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    tenant_uuid: UUID | None = None,
    settings_uuid: UUID | None = None,
    name: str | None = None,
    name_exact: str | None = None,
    cores: int | None = None,
    cores_gte: int | None = None,
    cores_lte: int | None = None,
    ram: int | None = None,
    ram_gte: int | None = None,
    ram_lte: int | None = None,
    disk: int | None = None,
    disk_gte: int | None = None,
    disk_lte: int | None = None,
) -> list[FlavorRead]:
    conditions: list[ColumnElement[bool]] = []
    if name is not None:
        conditions.append(Flavor.name.icontains(name, autoescape=True))
    for column, value in (
        (Flavor.tenant_uuid, tenant_uuid),
        (Flavor.service_settings_uuid, settings_uuid),
        (Flavor.name, name_exact),
        (Flavor.cores, cores),
        (Flavor.ram, ram),
        (Flavor.disk, disk),
    ):
        if value is not None:
            conditions.append(column == value)
    for column, low, high in (
        (Flavor.cores, cores_gte, cores_lte),
        (Flavor.ram, ram_gte, ram_lte),
        (Flavor.disk, disk_gte, disk_lte),
    ):
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    rows = await paginate(session, visible_properties(Flavor, principal, *conditions), page)
    return [_read(request, row) for row in rows]


@router.get("/{flavor_uuid}/", responses=ERRORS, summary="One flavor")
async def get_flavor(
    request: Request, flavor_uuid: UUID, principal: CurrentUser, session: SessionDep
) -> FlavorRead:
    query = visible_properties(Flavor, principal, Flavor.uuid == flavor_uuid)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound
    return _read(request, found)
