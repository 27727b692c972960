"""Cinder snapshots of the platform's volumes; `backend_missing_since` is set while a
pull no longer finds the snapshot in the cloud."""

from __future__ import annotations

from stackyard_common.resources.pulls import MissingMark
from stackyard_storage.common.copies import CopyColumns
from stackyard_storage.models import Base

__all__ = ["Snapshot"]


class Snapshot(CopyColumns, MissingMark, Base):
    """One snapshot; `size` in MiB."""

    __tablename__ = "snapshots"
