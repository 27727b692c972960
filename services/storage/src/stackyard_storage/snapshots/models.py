"""Cinder snapshots of the platform's volumes."""

from __future__ import annotations

from stackyard_storage.common.copies import CopyColumns
from stackyard_storage.models import Base

__all__ = ["Snapshot"]


class Snapshot(CopyColumns, Base):
    """One snapshot; `size` in MiB."""

    __tablename__ = "snapshots"
