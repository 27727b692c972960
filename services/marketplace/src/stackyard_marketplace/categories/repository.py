"""Queries on categories."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_marketplace.categories.models import Category

__all__ = ["by_title", "by_uuid", "ensure_category"]


async def by_uuid(session: AsyncSession, category: uuid.UUID) -> Category | None:
    """The category, or None."""
    return await session.get(Category, category)


async def by_title(session: AsyncSession, title: str) -> Category | None:
    """The category with exactly this title, or None."""
    found = await session.execute(select(Category).where(Category.title == title))
    return found.scalar_one_or_none()


async def ensure_category(session: AsyncSession, title: str, description: str) -> Category:
    """The category titled `title`, made if missing (the private offerings' categories)."""
    existing = await by_title(session, title)
    if existing is not None:
        return existing
    category = Category(title=title, description=description)
    session.add(category)
    await session.flush()
    await session.refresh(category)
    return category
