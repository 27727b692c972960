"""The base of every typed result: the fields services use, and the whole answer in `raw`."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Resource"]


class Resource(BaseModel):
    """A cloud resource as the API described it.

    Parsing is lenient: unknown fields are ignored (they stay in `raw`), missing ones take
    their defaults, so a newer or older cloud does not break the client.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    id: str
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """The resource that the API's JSON object `data` describes."""
        return cls.model_validate({**data, "raw": data})
