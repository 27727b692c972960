"""Snapshots: the use cases of `common.copy_service` for Cinder snapshots (which count
in the tenant's `snapshots` and `storage` quotas)."""

from __future__ import annotations

from stackyard_storage.common.copy_service import CopyService
from stackyard_storage.snapshots.models import Snapshot
from stackyard_storage.snapshots.sagas import SNAPSHOT_SAGAS

__all__ = ["snapshots"]

snapshots = CopyService("snapshot", Snapshot, SNAPSHOT_SAGAS, counts_in_quota=True)
