"""What the login endpoints read and write."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["Credentials", "Jwks", "TokenResponse"]


class Credentials(BaseModel):
    """A username and a password."""

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=512)


class TokenResponse(BaseModel):
    """A signed token, to send as `Authorization: Token <token>` (or `Bearer`)."""

    token: str


class Jwks(BaseModel):
    """A JSON Web Key Set."""

    keys: list[dict[str, Any]]
