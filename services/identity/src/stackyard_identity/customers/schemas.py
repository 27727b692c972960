"""What the organisations API reads and writes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CustomerCreate", "CustomerRead", "CustomerUpdate"]


class CustomerRead(BaseModel):
    """An organisation."""

    uuid: UUID
    url: str
    name: str
    native_name: str
    abbreviation: str
    description: str
    email: str
    created: datetime
    modified: datetime


class CustomerCreate(BaseModel):
    """A new organisation (staff only)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    native_name: str = Field(default="", max_length=160)
    abbreviation: str = Field(default="", max_length=12)
    description: str = ""
    email: str = Field(default="", max_length=320)


class CustomerUpdate(BaseModel):
    """A partial update (staff and the organisation's owners)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=150)
    native_name: str | None = Field(default=None, max_length=160)
    abbreviation: str | None = Field(default=None, max_length=12)
    description: str | None = None
    email: str | None = Field(default=None, max_length=320)
