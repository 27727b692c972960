"""What the categories API reads and writes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CategoryCreate", "CategoryRead", "CategoryUpdate"]


class CategoryRead(BaseModel):
    uuid: UUID
    url: str
    title: str
    description: str
    icon: str
    created: datetime
    modified: datetime


class CategoryCreate(BaseModel):
    """A new category (staff only)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=150)
    description: str = ""
    icon: str = Field(default="", max_length=500)


class CategoryUpdate(BaseModel):
    """A partial update (staff only)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    icon: str | None = Field(default=None, max_length=500)
