"""Cinder v3: volumes, snapshots, backups, volume types, availability zones, quotas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from ._errors import NotFound
from ._proxy import Proxy, available_zones, only_set, quota_limits
from ._resource import Resource
from ._wait import wait_for_delete, wait_for_status

__all__ = ["Backup", "Snapshot", "Volume", "VolumeProxy", "VolumeType"]

# Extending an in-use volume needs 3.42.
_EXTEND_MICROVERSION = "3.42"


class Volume(Resource):
    name: str | None = None
    status: str | None = None
    size: int = 0
    volume_type: str | None = None
    availability_zone: str | None = None
    bootable: bool = False
    description: str | None = None
    metadata: dict[str, str] = {}
    attachments: list[dict[str, Any]] = []
    snapshot_id: str | None = None
    source_volid: str | None = None
    project_id: str | None = Field(default=None, alias="os-vol-tenant-attr:tenant_id")
    created_at: str | None = None


class Snapshot(Resource):
    name: str | None = None
    status: str | None = None
    size: int = 0
    volume_id: str | None = None
    description: str | None = None
    metadata: dict[str, str] = {}
    created_at: str | None = None


class Backup(Resource):
    name: str | None = None
    status: str | None = None
    size: int = 0
    volume_id: str | None = None
    snapshot_id: str | None = None
    description: str | None = None
    is_incremental: bool = False
    container: str | None = None
    created_at: str | None = None


class VolumeType(Resource):
    name: str = ""
    description: str | None = None
    is_public: bool = Field(default=True, alias="os-volume-type-access:is_public")
    extra_specs: dict[str, str] = {}


class VolumeProxy(Proxy):
    """Cinder calls."""

    service = "volume"

    # ----- volumes -------------------------------------------------------------------

    async def list_volumes(self, **filters: str | int | bool) -> list[Volume]:
        """Volumes with details (`name`, `status`, `all_tenants`... as Cinder filters)."""
        return await self._list(Volume, "/volumes/detail", "volumes", dict(filters))

    async def get_volume(self, volume_id: str) -> Volume:
        """The volume `volume_id`; raises `NotFound`."""
        return await self._get(Volume, f"/volumes/{volume_id}", "volume")

    async def find_volume(
        self, *, name: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> Volume | None:
        """A volume with this name and all of this metadata, or None."""
        for volume in await self.list_volumes(**only_set(name=name)):
            if name is not None and volume.name != name:
                continue
            if metadata and any(volume.metadata.get(k) != v for k, v in metadata.items()):
                continue
            return volume
        return None

    async def create_volume(
        self,
        size: int,
        *,
        name: str | None = None,
        description: str | None = None,
        volume_type: str | None = None,
        availability_zone: str | None = None,
        image_id: str | None = None,
        snapshot_id: str | None = None,
        source_volume_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        retry_safe: bool = False,
    ) -> Volume:
        """Create a volume of `size` GiB (empty, or from an image, snapshot or volume)."""
        body = {
            "size": size,
            **only_set(
                name=name,
                description=description,
                volume_type=volume_type,
                availability_zone=availability_zone,
                imageRef=image_id,
                snapshot_id=snapshot_id,
                source_volid=source_volume_id,
                metadata=dict(metadata) if metadata else None,
            ),
        }
        return await self._create(
            Volume, "/volumes", "volume", {"volume": body}, retry_safe=retry_safe
        )

    async def update_volume(
        self,
        volume_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Volume:
        """Change a volume's name, description or metadata."""
        body = only_set(
            name=name, description=description, metadata=dict(metadata) if metadata else None
        )
        return await self._update(Volume, f"/volumes/{volume_id}", "volume", {"volume": body})

    async def delete_volume(
        self, volume_id: str, *, ignore_missing: bool = True, cascade: bool = False
    ) -> bool:
        """Delete a volume (`cascade` deletes its snapshots too)."""
        params = {"cascade": True} if cascade else None
        return await self._delete(
            f"/volumes/{volume_id}", ignore_missing=ignore_missing, params=params
        )

    async def extend_volume(self, volume_id: str, new_size: int) -> None:
        """Grow a volume to `new_size` GiB (available or in-use)."""
        await self._action(
            f"/volumes/{volume_id}/action",
            {"os-extend": {"new_size": new_size}},
            microversion=_EXTEND_MICROVERSION,
        )

    async def retype_volume(
        self, volume_id: str, volume_type: str, *, migrate: bool = False
    ) -> None:
        """Change a volume's type (`migrate` allows moving it to another backend)."""
        policy = "on-demand" if migrate else "never"
        body = {"os-retype": {"new_type": volume_type, "migration_policy": policy}}
        await self._action(f"/volumes/{volume_id}/action", body)

    async def set_volume_bootable(self, volume_id: str, bootable: bool = True) -> None:
        """Mark a volume bootable (or not)."""
        await self._action(
            f"/volumes/{volume_id}/action", {"os-set_bootable": {"bootable": bootable}}
        )

    async def wait_for_volume(
        self,
        volume_id: str,
        status: str = "available",
        *,
        failures: tuple[str, ...] = ("error", "error_extending", "error_restoring"),
        timeout: float = 600.0,
        interval: float = 2.0,
    ) -> Volume:
        """Poll the volume until it is in `status`; see `wait_for_status`."""
        return await wait_for_status(
            lambda: self.get_volume(volume_id),
            status,
            failures=failures,
            timeout=timeout,
            interval=interval,
        )

    async def wait_for_volume_delete(
        self, volume_id: str, *, timeout: float = 600.0, interval: float = 2.0
    ) -> None:
        """Poll until the volume is gone; `error_deleting` raises `ResourceFailed`."""
        await wait_for_delete(
            lambda: self.get_volume(volume_id), timeout=timeout, interval=interval
        )

    # ----- snapshots -----------------------------------------------------------------

    async def list_snapshots(self, **filters: str | int | bool) -> list[Snapshot]:
        """Snapshots with details."""
        return await self._list(Snapshot, "/snapshots/detail", "snapshots", dict(filters))

    async def get_snapshot(self, snapshot_id: str) -> Snapshot:
        """The snapshot `snapshot_id`; raises `NotFound`."""
        return await self._get(Snapshot, f"/snapshots/{snapshot_id}", "snapshot")

    async def find_snapshot(self, name: str) -> Snapshot | None:
        """The snapshot named `name`, or None."""
        found = await self.list_snapshots(name=name)
        return next((s for s in found if s.name == name), None)

    async def create_snapshot(
        self,
        volume_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        force: bool = False,
        metadata: Mapping[str, str] | None = None,
        retry_safe: bool = False,
    ) -> Snapshot:
        """Snapshot a volume (`force` allows an in-use one)."""
        body = {
            "volume_id": volume_id,
            "force": force,
            **only_set(
                name=name, description=description, metadata=dict(metadata) if metadata else None
            ),
        }
        return await self._create(
            Snapshot, "/snapshots", "snapshot", {"snapshot": body}, retry_safe=retry_safe
        )

    async def delete_snapshot(self, snapshot_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a snapshot; False when it was already gone (and `ignore_missing`)."""
        return await self._delete(f"/snapshots/{snapshot_id}", ignore_missing=ignore_missing)

    # ----- backups -------------------------------------------------------------------

    async def list_backups(self, **filters: str | int | bool) -> list[Backup]:
        """Backups with details."""
        return await self._list(Backup, "/backups/detail", "backups", dict(filters))

    async def get_backup(self, backup_id: str) -> Backup:
        """The backup `backup_id`; raises `NotFound`."""
        return await self._get(Backup, f"/backups/{backup_id}", "backup")

    async def find_backup(self, name: str) -> Backup | None:
        """The backup named `name`, or None."""
        found = await self.list_backups(name=name)
        return next((b for b in found if b.name == name), None)

    async def create_backup(
        self,
        volume_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        incremental: bool = False,
        force: bool = False,
        snapshot_id: str | None = None,
        container: str | None = None,
        retry_safe: bool = False,
    ) -> Backup:
        """Back up a volume (or one of its snapshots)."""
        body = {
            "volume_id": volume_id,
            "incremental": incremental,
            "force": force,
            **only_set(
                name=name, description=description, snapshot_id=snapshot_id, container=container
            ),
        }
        return await self._create(
            Backup, "/backups", "backup", {"backup": body}, retry_safe=retry_safe
        )

    async def restore_backup(
        self, backup_id: str, *, volume_id: str | None = None, name: str | None = None
    ) -> str:
        """Restore a backup into `volume_id`, or into a new volume; returns the volume id."""
        body = {"restore": only_set(volume_id=volume_id, name=name)}
        response = await self._action(f"/backups/{backup_id}/restore", body)
        return str(response.json()["restore"]["volume_id"])

    async def delete_backup(
        self, backup_id: str, *, ignore_missing: bool = True, force: bool = False
    ) -> bool:
        """Delete a backup (`force` also one that is not `available`)."""
        if force:
            try:
                await self._action(f"/backups/{backup_id}/action", {"os-force_delete": {}})
            except NotFound:
                if ignore_missing:
                    return False
                raise
            return True
        return await self._delete(f"/backups/{backup_id}", ignore_missing=ignore_missing)

    # ----- types, zones and quotas ---------------------------------------------------

    async def list_types(self) -> list[VolumeType]:
        """The volume types visible to the project."""
        return await self._list(VolumeType, "/types", "volume_types")

    async def get_type(self, type_id: str) -> VolumeType:
        """The volume type `type_id`; raises `NotFound`."""
        return await self._get(VolumeType, f"/types/{type_id}", "volume_type")

    async def find_type(self, name: str) -> VolumeType | None:
        """The volume type named `name`, or None."""
        return next((t for t in await self.list_types() if t.name == name), None)

    async def list_availability_zones(self) -> list[str]:
        """Names of the volume availability zones that are up."""
        response = await self._call("GET", "/os-availability-zone")
        return available_zones(response.json())

    async def get_quotas(self, project_id: str) -> dict[str, int]:
        """The project's Cinder quota limits (volumes, gigabytes, snapshots, ...)."""
        response = await self._call("GET", f"/os-quota-sets/{project_id}")
        return quota_limits(response.json()["quota_set"])

    async def set_quotas(self, project_id: str, **limits: int) -> dict[str, int]:
        """Change the given Cinder quota limits; returns all of them."""
        response = await self._call(
            "PUT", f"/os-quota-sets/{project_id}", json={"quota_set": limits}
        )
        return quota_limits(response.json()["quota_set"])
