"""The snapshot sagas (see `common.copy_sagas`): Cinder snapshots, forced for volumes in
use, marked with the record's uuid in their metadata."""

from __future__ import annotations

from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_storage.common.cloud import MARK, find_snapshot
from stackyard_storage.common.copies import CopyColumns
from stackyard_storage.common.copy_sagas import CopyKind, copy_sagas
from stackyard_storage.snapshots.models import Snapshot

__all__ = ["SAGAS", "SNAPSHOT_SAGAS"]


async def _create(client: OpenStackClient, record: CopyColumns, volume_id: str) -> Any:
    return await client.volume.create_snapshot(
        volume_id,
        name=record.name,
        description=record.description or None,
        force=True,  # a snapshot of a volume in use is what users ask for most
        metadata={MARK: str(record.uuid)},
    )


async def _get(client: OpenStackClient, snapshot_id: str) -> Any:
    return await client.volume.get_snapshot(snapshot_id)


async def _delete(client: OpenStackClient, snapshot_id: str) -> bool:
    return await client.volume.delete_snapshot(snapshot_id)


SNAPSHOT_SAGAS = copy_sagas(CopyKind("snapshot", Snapshot, _create, _get, find_snapshot, _delete))
SAGAS = (SNAPSHOT_SAGAS.create, SNAPSHOT_SAGAS.delete, SNAPSHOT_SAGAS.pull)
