"""How storage names its resources in the cloud and finds them again.

Every volume and snapshot the platform makes carries its record's uuid in its metadata
(`stackyard_uuid`); a backup, which has no metadata in Cinder's API, carries it in its
description. A retried step looks for its resource by that mark before making another.
"""

from __future__ import annotations

import uuid

from stackyard_common.openstack import OpenStackClient
from stackyard_common.openstack.volume import Backup, Snapshot, Volume

__all__ = ["MARK", "backup_mark", "find_backup", "find_snapshot", "find_volume", "gib", "mib"]

MARK = "stackyard_uuid"


def gib(size_mib: int) -> int:
    """Cinder's size (GiB, rounded up, at least 1) of `size_mib` MiB."""
    return max(1, -(-size_mib // 1024))


def mib(size_gib: int) -> int:
    """MiB of `size_gib` GiB."""
    return size_gib * 1024


def backup_mark(record: uuid.UUID) -> str:
    """The description of a backup made for the record `record`."""
    return f"{MARK}={record}"


async def find_volume(client: OpenStackClient, record: uuid.UUID) -> Volume | None:
    """The volume made for `record`, if any."""
    return await client.volume.find_volume(metadata={MARK: str(record)})


async def find_snapshot(client: OpenStackClient, record: uuid.UUID) -> Snapshot | None:
    """The snapshot made for `record`, if any."""
    for snapshot in await client.volume.list_snapshots():
        if snapshot.metadata.get(MARK) == str(record):
            return snapshot
    return None


async def find_backup(client: OpenStackClient, record: uuid.UUID) -> Backup | None:
    """The backup made for `record`, if any."""
    mark = backup_mark(record)
    for backup in await client.volume.list_backups():
        if (backup.description or "") == mark:
            return backup
    return None
