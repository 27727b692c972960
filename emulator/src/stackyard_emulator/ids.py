"""Identifier formats of the real services."""

from __future__ import annotations

import uuid


def new_uuid() -> str:
    """A dashed UUID, as Nova, Neutron, Cinder and Glance use."""
    return str(uuid.uuid4())


def new_hex() -> str:
    """32 hex digits without dashes, as Keystone uses for its ids."""
    return uuid.uuid4().hex
