"""`/api/marketplace-categories/`: every signed-in user reads, staff write."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import func, select

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser, StaffUser
from stackyard_common.db import SessionDep
from stackyard_marketplace.categories import repository
from stackyard_marketplace.categories.models import Category
from stackyard_marketplace.categories.schemas import CategoryCreate, CategoryRead, CategoryUpdate
from stackyard_marketplace.offerings.models import Offering
from stackyard_marketplace.web import absolute_url

__all__ = ["category_read", "router"]

router = APIRouter(prefix="/api/marketplace-categories", tags=["marketplace-categories"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
WRITE_ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound)


def category_read(request: Request, category: Category) -> CategoryRead:
    """The API's view of a category."""
    return CategoryRead(
        uuid=category.uuid,
        url=absolute_url(request, f"/api/marketplace-categories/{category.uuid}/"),
        title=category.title,
        description=category.description,
        icon=category.icon,
        created=category.created,
        modified=category.modified,
    )


async def _get(session: SessionDep, category_uuid: uuid.UUID) -> Category:
    category = await repository.by_uuid(session, category_uuid)
    if category is None:
        raise NotFound
    return category


async def _unique(session: SessionDep, title: str, current: Category | None = None) -> None:
    existing = await repository.by_title(session, title)
    if existing is not None and existing is not current:
        raise ValidationFailed.field("title", "A category with this title exists.")


@router.get("/", responses=READ_ERRORS, summary="Categories")
async def list_categories(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    title: str | None = Query(default=None, description="Part of the title."),
) -> list[CategoryRead]:
    query = select(Category).order_by(Category.title, Category.uuid)
    if title is not None:
        query = query.where(Category.title.icontains(title, autoescape=True))
    return [category_read(request, row) for row in await paginate(session, query, page)]


@router.post("/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Create")
async def create_category(
    request: Request, principal: StaffUser, session: SessionDep, data: CategoryCreate
) -> CategoryRead:
    await _unique(session, data.title)
    category = Category(**data.model_dump())
    session.add(category)
    await session.flush()
    await session.refresh(category)
    return category_read(request, category)


@router.get("/{category_uuid}/", responses=READ_ERRORS, summary="One category")
async def get_category(
    request: Request, category_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> CategoryRead:
    return category_read(request, await _get(session, category_uuid))


@router.patch("/{category_uuid}/", responses=WRITE_ERRORS, summary="Update (staff)")
async def update_category(
    request: Request,
    category_uuid: uuid.UUID,
    principal: StaffUser,
    session: SessionDep,
    data: CategoryUpdate,
) -> CategoryRead:
    category = await _get(session, category_uuid)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "title" in changes:
        await _unique(session, changes["title"], category)
    for name, value in changes.items():
        setattr(category, name, value)
    await session.flush()
    await session.refresh(category)
    return category_read(request, category)


@router.delete(
    "/{category_uuid}/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**WRITE_ERRORS, **error_responses(Conflict)},
    summary="Delete a category without offerings (staff)",
)
async def delete_category(
    category_uuid: uuid.UUID, principal: StaffUser, session: SessionDep
) -> Response:
    category = await _get(session, category_uuid)
    count = await session.execute(
        select(func.count()).select_from(Offering).where(Offering.category_uuid == category.uuid)
    )
    if count.scalar_one():
        raise Conflict("The category has offerings.")
    await session.delete(category)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
