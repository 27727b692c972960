"""Cinder's data for one cloud: volumes, snapshots, backups, types, quotas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackyard_emulator.errors import ApiError, cinder_error
from stackyard_emulator.store import Record, Table

if TYPE_CHECKING:
    from stackyard_emulator.cloud import Cloud

QUOTA_DEFAULTS: dict[str, int] = {
    "volumes": 10,
    "snapshots": 10,
    "gigabytes": 1000,
    "backups": 10,
    "backup_gigabytes": 1000,
    "groups": 10,
    "per_volume_gigabytes": -1,
}
PER_TYPE = ("volumes", "snapshots", "gigabytes")
# The exception class Cinder names in an over-quota message, per resource.
_OVER = {
    "volumes": "VolumeLimitExceeded: Maximum number of volumes allowed ({limit}) exceeded for "
    "quota '{key}'.",
    "snapshots": "SnapshotLimitExceeded: Maximum number of snapshots allowed ({limit}) exceeded",
    "backups": "BackupLimitExceeded: Maximum number of backups allowed ({limit}) exceeded",
    "gigabytes": "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
    "{key} quota. Requested {wanted}G, quota is {limit}G and {used}G has been consumed.",
    "backup_gigabytes": "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed "
    "Backup gigabytes quota. Requested {wanted}G, quota is {limit}G and {used}G has been "
    "consumed.",
    "groups": "GroupLimitExceeded: Maximum number of groups allowed ({limit}) exceeded",
}
DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")


def invalid(message: str) -> ApiError:
    """Cinder's 400 "Invalid input received" family."""
    return cinder_error(400, message)


class VolumeState:
    """Every Cinder resource of one cloud."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.volumes = Table()
        self.snapshots = Table()
        self.backups = Table()
        self.types = Table()
        self.default_type = "__DEFAULT__"
        self.zones: list[str] = ["nova"]
        self.quota_defaults = dict(QUOTA_DEFAULTS)
        self.quota_overrides: dict[str, dict[str, int]] = {}

    # ----- types ----------------------------------------------------------------

    def type_by_ref(self, ref: Any) -> Record:
        """A volume type by id or name; Cinder's 404 otherwise."""
        if ref is None:
            ref = self.default_type
        record = self.types.get(str(ref))
        if record is not None:
            return record
        for candidate in self.types.values():
            if candidate["name"] == ref:
                return candidate
        raise cinder_error(404, f"Volume type with name {ref} could not be found.")

    def type_name(self, type_id: str) -> str:
        """The name of a type id (what volumes show as ``volume_type``)."""
        record = self.types.get(type_id)
        return record["name"] if record else type_id

    # ----- quotas -----------------------------------------------------------------

    def quota_keys(self) -> list[str]:
        """Every quota key, the per-type ones included."""
        keys = list(QUOTA_DEFAULTS)
        for vtype in self.types.values():
            keys.extend(f"{r}_{vtype['name']}" for r in PER_TYPE)
        return keys

    def quota(self, project_id: str) -> dict[str, int]:
        """The effective limits of a project (per-type limits default to unlimited)."""
        limits: dict[str, int] = {}
        for key in self.quota_keys():
            limits[key] = self.quota_defaults.get(key, -1)
        limits.update(self.quota_overrides.get(project_id, {}))
        return limits

    def used(self, project_id: str) -> dict[str, int]:
        """What the project holds, per quota key."""
        counts = dict.fromkeys(self.quota_keys(), 0)
        for volume in self.volumes.values(project_id):
            name = self.type_name(volume["_type_id"])
            counts["volumes"] += 1
            counts["gigabytes"] += volume["size"]
            counts[f"volumes_{name}"] = counts.get(f"volumes_{name}", 0) + 1
            counts[f"gigabytes_{name}"] = counts.get(f"gigabytes_{name}", 0) + volume["size"]
        for snapshot in self.snapshots.values(project_id):
            name = self.type_name(snapshot["_type_id"])
            counts["snapshots"] += 1
            counts["gigabytes"] += snapshot["size"]
            counts[f"snapshots_{name}"] = counts.get(f"snapshots_{name}", 0) + 1
            counts[f"gigabytes_{name}"] = counts.get(f"gigabytes_{name}", 0) + snapshot["size"]
        for backup in self.backups.values(project_id):
            counts["backups"] += 1
            counts["backup_gigabytes"] += backup["size"]
        return counts

    def check_quota(self, project_id: str, wanted: dict[str, int]) -> None:
        """Cinder's 413 when any wanted amount does not fit."""
        limits = self.quota(project_id)
        used = self.used(project_id)
        for key, amount in wanted.items():
            if amount <= 0:
                continue
            limit = limits.get(key, -1)
            if 0 <= limit < used.get(key, 0) + amount:
                base = next(
                    (
                        b
                        for b in (
                            "backup_gigabytes",
                            "gigabytes",
                            "volumes",
                            "snapshots",
                            "backups",
                            "groups",
                        )
                        if key.startswith(b)
                    ),
                    key,
                )
                message = _OVER[base].format(
                    limit=limit, key=key, wanted=amount, used=used.get(key, 0)
                )
                raise cinder_error(413, message)

    def check_size(self, project_id: str, size: int) -> None:
        """Cinder's per-volume size limit."""
        limit = self.quota(project_id)["per_volume_gigabytes"]
        if 0 <= limit < size:
            raise cinder_error(
                413,
                f"VolumeSizeExceedsLimit: Requested volume size {size}G is larger than "
                f"maximum allowed limit {limit}G.",
            )

    # ----- lookups ----------------------------------------------------------------

    def volume(self, volume_id: str, project_id: str, is_admin: bool) -> Record:
        """A volume the caller may see, or Cinder's 404."""
        record = self.volumes.get(volume_id)
        if record is None or not (is_admin or record["_project"] == project_id):
            raise cinder_error(404, f"Volume {volume_id} could not be found.")
        return record

    def snapshot(self, snapshot_id: str, project_id: str, is_admin: bool) -> Record:
        """A snapshot the caller may see, or Cinder's 404."""
        record = self.snapshots.get(snapshot_id)
        if record is None or not (is_admin or record["_project"] == project_id):
            raise cinder_error(404, f"Snapshot {snapshot_id} could not be found.")
        return record

    def backup(self, backup_id: str, project_id: str, is_admin: bool) -> Record:
        """A backup the caller may see, or Cinder's 404."""
        record = self.backups.get(backup_id)
        if record is None or not (is_admin or record["_project"] == project_id):
            raise cinder_error(404, f"Backup {backup_id} could not be found.")
        return record
