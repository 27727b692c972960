"""Snapshots and backups: made of a volume, deleted, restored into a new volume, and
removed once past their `kept_until` (the `expire-copies` job, every 10 minutes).

Making a copy checks the volume (OK, in the cloud) and, for snapshots, the tenant's
`snapshots` and `storage` quotas; restoring checks the `volumes` and `storage` quotas.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict
from stackyard_common.resources.access import ensure_idle, usable_tenant
from stackyard_common.resources.events import SYSTEM, Actor
from stackyard_common.resources.records import SETTLED_STATES, ResourceState
from stackyard_common.sagas import saga_progress, start_saga
from stackyard_storage.common.cloud import gib
from stackyard_storage.common.copies import CopyColumns, copy_event
from stackyard_storage.common.copy_sagas import CopySagas
from stackyard_storage.common.runtime import StorageRuntime
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.quotas import check_quotas
from stackyard_storage.volumes.service import VolumeSpec, create_volume

__all__ = ["CopyService"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CopyService:
    """The use cases of one kind of copy (`snapshot` or `backup`)."""

    kind: str
    model: type[CopyColumns]
    sagas: CopySagas
    counts_in_quota: bool

    async def create(
        self,
        session: AsyncSession,
        runtime: StorageRuntime,
        volume: Volume,
        *,
        name: str,
        description: str,
        kept_until: datetime | None,
        actor: Actor,
    ) -> CopyColumns:
        """A copy of `volume` (CREATION_SCHEDULED, its saga started)."""
        await ensure_idle(session, volume, ResourceState.OK.value)
        if not volume.backend_id:
            raise Conflict("The volume has no cloud volume.")
        tenant = await usable_tenant(session, volume.tenant_uuid, "volume")
        if self.counts_in_quota:
            await check_quotas(
                session,
                await runtime.clouds.client(tenant.uuid),
                tenant.uuid,
                tenant.backend_id,
                {"snapshots": 1, "gigabytes": gib(volume.size)},
                field="name",
                type_name=volume.type_name,
            )
        factory: Any = self.model  # a mapped class: its columns are its arguments
        record: CopyColumns = factory(
            name=name,
            description=description,
            state=ResourceState.CREATION_SCHEDULED.value,
            tenant_uuid=volume.tenant_uuid,
            customer_uuid=volume.customer_uuid,
            project_uuid=volume.project_uuid,
            service_settings_uuid=volume.service_settings_uuid,
            size=volume.size,
            source_volume_uuid=volume.uuid,
            source_volume_name=volume.name,
            kept_until=kept_until,
        )
        session.add(record)
        await session.flush()
        await session.refresh(record)
        data = {"volume_id": volume.backend_id, **actor.as_data()}
        await start_saga(session, self.sagas.create, record.uuid, data)
        await copy_event(session, f"{self.kind}.created.v1", record, actor=actor)
        return record

    async def schedule_delete(
        self, session: AsyncSession, record: CopyColumns, actor: Actor = SYSTEM
    ) -> None:
        """Delete a settled copy (DELETION_SCHEDULED)."""
        await ensure_idle(session, record, *SETTLED_STATES)
        record.state = ResourceState.DELETION_SCHEDULED.value
        await session.flush()
        await start_saga(session, self.sagas.delete, record.uuid, actor.as_data())
        await copy_event(session, f"{self.kind}.state_changed.v1", record, actor=actor)

    async def restore(
        self,
        session: AsyncSession,
        runtime: StorageRuntime,
        record: CopyColumns,
        *,
        name: str,
        description: str,
        actor: Actor,
    ) -> Volume:
        """A new volume from the copy (its creation saga started)."""
        await ensure_idle(session, record, ResourceState.OK.value)
        tenant = await usable_tenant(session, record.tenant_uuid, self.kind)
        source = (
            await session.get(Volume, record.source_volume_uuid)
            if record.source_volume_uuid
            else None
        )
        type_name = source.type_name if source is not None and self.kind == "snapshot" else ""
        await check_quotas(
            session,
            await runtime.clouds.client(tenant.uuid),
            tenant.uuid,
            tenant.backend_id,
            {"volumes": 1, "gigabytes": gib(record.size)},
            field="name",
            type_name=type_name,
        )
        is_snapshot = self.kind == "snapshot"
        spec = VolumeSpec(
            name=name,
            size=record.size,
            description=description,
            type_name=type_name,
            availability_zone=source.availability_zone if source is not None else "",
            source_snapshot=record.uuid if is_snapshot else None,
            source_backup=None if is_snapshot else record.uuid,
            saga_data={f"{self.kind}_id": record.backend_id},
        )
        return await create_volume(session, tenant, spec, actor=actor)

    async def expire(self, session: AsyncSession, now: datetime | None = None) -> list[uuid.UUID]:
        """Schedule the deletion of every settled copy past its `kept_until`; the uuids."""
        moment = now or datetime.now(UTC)
        found = await session.execute(
            select(self.model)
            .where(
                self.model.kept_until.is_not(None),
                self.model.kept_until <= moment,
                self.model.state.in_(sorted(SETTLED_STATES)),
            )
            .with_for_update(skip_locked=True)
        )
        expired = []
        for record in found.scalars():
            progress = await saga_progress(session, record.uuid)
            if progress is not None and progress.state in ("running", "compensating"):
                continue
            await self.schedule_delete(session, record)
            expired.append(record.uuid)
        if expired:
            log.info("expired copies scheduled for deletion", kind=self.kind, count=len(expired))
        return expired
