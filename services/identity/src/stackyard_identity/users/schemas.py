"""What the users API reads and writes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PasswordChange", "UserCreate", "UserRead", "UserUpdate"]

USERNAME_PATTERN = r"^[\w.@+-]+$"
EMAIL_PATTERN = r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    uuid: UUID
    url: str
    username: str
    full_name: str
    email: str
    is_active: bool
    is_staff: bool
    is_support: bool
    created: datetime
    modified: datetime


class UserCreate(BaseModel):
    """A new user (staff only)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=150, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=8, max_length=512)
    full_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320, pattern=EMAIL_PATTERN)
    is_active: bool = True
    is_staff: bool = False
    is_support: bool = False


class UserUpdate(BaseModel):
    """A partial update; the flags are for staff only."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)
    is_active: bool | None = None
    is_staff: bool | None = None
    is_support: bool | None = None


class PasswordChange(BaseModel):
    """A new password."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=8, max_length=512)
