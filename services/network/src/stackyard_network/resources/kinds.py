"""The kinds of network resource, registered by their domains, so that the machinery
shared by all of them (events, the operation saga, staff actions, pulls) can find a
kind's table, its label and what its events say about one record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["KINDS", "Kind", "register"]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of resource: `name` is its event prefix and audit `resource_type`
    (`port` → `port.created.v1`), `path` its API collection, `payload` what its events
    add about one record (fixed IPs, addresses, device ids, ...)."""

    name: str
    label: str
    model: type[Any]
    path: str
    payload: Callable[[Any], dict[str, Any]]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make `kind` known by its name; returns it."""
    KINDS[kind.name] = kind
    return kind
