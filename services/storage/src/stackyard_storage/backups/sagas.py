"""The backup sagas (see `common.copy_sagas`): Cinder backups, forced for volumes in
use, marked with the record's uuid in their description."""

from __future__ import annotations

from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_storage.backups.models import Backup
from stackyard_storage.common.cloud import backup_mark, find_backup
from stackyard_storage.common.copies import CopyColumns
from stackyard_storage.common.copy_sagas import CopyKind, copy_sagas

__all__ = ["BACKUP_SAGAS", "SAGAS"]


async def _create(client: OpenStackClient, record: CopyColumns, volume_id: str) -> Any:
    return await client.volume.create_backup(
        volume_id, name=record.name, description=backup_mark(record.uuid), force=True
    )


async def _get(client: OpenStackClient, backup_id: str) -> Any:
    return await client.volume.get_backup(backup_id)


async def _delete(client: OpenStackClient, backup_id: str) -> bool:
    return await client.volume.delete_backup(backup_id)


BACKUP_SAGAS = copy_sagas(CopyKind("backup", Backup, _create, _get, find_backup, _delete))
SAGAS = (BACKUP_SAGAS.create, BACKUP_SAGAS.delete, BACKUP_SAGAS.pull)
