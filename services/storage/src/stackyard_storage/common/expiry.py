"""The `expire-copies` job: every 10 minutes, snapshots and backups past their
`kept_until` are scheduled for deletion (each by its own deletion saga)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stackyard_common.jobs import PeriodicJob
from stackyard_storage.backups.service import backups
from stackyard_storage.snapshots.service import snapshots

__all__ = ["EXPIRE_COPIES", "expire_copies"]


async def expire_copies(ctx: dict[str, Any]) -> int:
    """Schedule the deletion of every expired snapshot and backup; how many. Idempotent:
    a copy already being deleted is skipped."""
    count = 0
    for service in (snapshots, backups):
        async with ctx["database"].session() as session:
            count += len(await service.expire(session))
    return count


EXPIRE_COPIES = PeriodicJob("expire-copies", expire_copies, every=timedelta(minutes=10))
