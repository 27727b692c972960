"""`/api/openstack-images/`: the images of tenants and the clouds' public images.

`?tenant_uuid=` lists what a tenant can boot from: its own images and the public images
of its cloud. `min_ram` and `min_disk` (MiB) keep images that need at least that much.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, and_, or_, select

from stackyard_common.api import NotAuthenticated, NotFound, PageDep, error_responses, paginate
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_common.tenants import tenants
from stackyard_images.images import repository
from stackyard_images.images.models import Image
from stackyard_images.images.schemas import ImageRead
from stackyard_images.images.views import MIB_PER_GB, image_read

__all__ = ["router"]

router = APIRouter(prefix="/api/openstack-images", tags=["openstack-images"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)


def _reference(value: str) -> uuid.UUID | None:
    """The uuid of a reference given as a uuid or a URL; None when it is neither."""
    try:
        return uuid.UUID(value.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def _of_tenant(tenant: uuid.UUID | None) -> ColumnElement[bool]:
    if tenant is None:
        return Image.uuid.is_(None)  # an unparsable reference matches nothing
    clouds = select(tenants.c.cloud_connection_uuid).where(tenants.c.uuid == tenant)
    return or_(
        Image.tenant_uuid == tenant,
        and_(Image.tenant_uuid.is_(None), Image.cloud_connection_uuid.in_(clouds)),
    )


@router.get("/", responses=READ_ERRORS, summary="Images the caller may see")
async def list_images(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    name_exact: str | None = None,
    tenant: str | None = Query(default=None, description="The tenant (uuid or URL)."),
    tenant_uuid: uuid.UUID | None = None,
    settings: str | None = Query(default=None, description="The cloud (uuid or URL)."),
    settings_uuid: uuid.UUID | None = None,
    visibility: str | None = Query(default=None, description="public, private, ..."),
    min_ram: int | None = Query(default=None, ge=0, description="MiB, at least."),
    min_disk: int | None = Query(default=None, ge=0, description="MiB, at least."),
    backend_id: str | None = None,
) -> list[ImageRead]:
    conditions: list[ColumnElement[bool]] = []
    if name is not None:
        conditions.append(Image.name.icontains(name, autoescape=True))
    for column, value in (
        (Image.name, name_exact),
        (Image.visibility, visibility),
        (Image.backend_id, backend_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if tenant_uuid is not None:
        conditions.append(_of_tenant(tenant_uuid))
    if tenant is not None:
        conditions.append(_of_tenant(_reference(tenant)))
    for cloud in (settings_uuid, _reference(settings) if settings is not None else None):
        if cloud is not None:
            conditions.append(Image.cloud_connection_uuid == cloud)
    if settings is not None and _reference(settings) is None:
        conditions.append(Image.uuid.is_(None))
    if min_ram is not None:
        conditions.append(Image.min_ram >= min_ram)
    if min_disk is not None:
        conditions.append(Image.min_disk * MIB_PER_GB >= min_disk)
    rows = await paginate(session, repository.visible_images(principal, *conditions), page)
    return [image_read(request, image) for image in rows]


@router.get("/{image_uuid}/", responses=READ_ERRORS, summary="One image")
async def get_image(
    request: Request, image_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> ImageRead:
    image = await repository.visible_image(session, principal, image_uuid)
    if image is None:
        raise NotFound
    return image_read(request, image)
