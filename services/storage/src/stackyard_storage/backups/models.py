"""Cinder backups of the platform's volumes."""

from __future__ import annotations

from stackyard_storage.common.copies import CopyColumns
from stackyard_storage.models import Base

__all__ = ["Backup"]


class Backup(CopyColumns, Base):
    """One backup; `size` in MiB."""

    __tablename__ = "backups"
