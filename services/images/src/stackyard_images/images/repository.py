"""Queries on image records.

Who sees an image: staff and support see all; a tenant's image is seen by whoever holds
a role in the tenant's organisation or project; a cloud's public image by whoever sees
a tenant on that cloud (the tenants projection says which).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal, visible_filter
from stackyard_common.db import transaction_lock
from stackyard_common.tenants import tenants
from stackyard_images.images.models import Image

__all__ = [
    "GONE",
    "by_backend_id",
    "lock_tenant",
    "tenant_usage",
    "visible_image",
    "visible_images",
    "visible_to",
]

GONE = ("deleted", "killed", "pending_delete")
"""Glance statuses of images that hold no data any more (they count against no limit)."""


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The images `principal` may see."""
    if principal.sees_everything:
        return true()
    clouds_seen = select(tenants.c.cloud_connection_uuid).where(
        tenants.c.deleted.is_(False),
        visible_filter(principal, tenants.c.customer_uuid, tenants.c.project_uuid),
    )
    return or_(
        visible_filter(principal, Image.customer_uuid, Image.project_uuid),
        and_(Image.tenant_uuid.is_(None), Image.cloud_connection_uuid.in_(clouds_seen)),
    )


def visible_images(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Images `principal` may see, matching `conditions`, by name."""
    return select(Image).where(visible_to(principal), *conditions).order_by(Image.name, Image.uuid)


async def visible_image(
    session: AsyncSession, principal: Principal, image: uuid.UUID
) -> Image | None:
    """The image, if `principal` may see it."""
    found = await session.execute(select(Image).where(Image.uuid == image, visible_to(principal)))
    return found.scalar_one_or_none()


async def by_backend_id(
    session: AsyncSession, tenant: uuid.UUID, backend_id: str, *, lock: bool = False
) -> Image | None:
    """The tenant's image whose Glance id is `backend_id` (row-locked with `lock`)."""
    query = select(Image).where(Image.tenant_uuid == tenant, Image.backend_id == backend_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def tenant_usage(
    session: AsyncSession, tenant: uuid.UUID, *, excluding: uuid.UUID | None = None
) -> tuple[int, int]:
    """How many images the tenant has and their bytes in all (uploads in progress count
    with their announced length), leaving out the image `excluding`."""
    conditions = [Image.tenant_uuid == tenant, Image.runtime_state.not_in(GONE)]
    if excluding is not None:
        conditions.append(Image.uuid != excluding)
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Image.size), 0)).where(*conditions)
        )
    ).one()
    return int(row[0]), int(row[1] or 0)


async def lock_tenant(session: AsyncSession, tenant: uuid.UUID) -> None:
    """Serialise the limit checks of one tenant until the transaction ends, so that two
    requests cannot both take the last place under a limit."""
    await transaction_lock(session, f"images:tenant-limits:{tenant}")
