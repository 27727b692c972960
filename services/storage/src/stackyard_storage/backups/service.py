"""Backups: the use cases of `common.copy_service` for Cinder backups."""

from __future__ import annotations

from stackyard_storage.backups.models import Backup
from stackyard_storage.backups.sagas import BACKUP_SAGAS
from stackyard_storage.common.copy_service import CopyService

__all__ = ["backups"]

backups = CopyService("backup", Backup, BACKUP_SAGAS, counts_in_quota=False)
