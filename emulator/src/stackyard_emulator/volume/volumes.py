"""Cinder volume life cycle: create (empty, image, snapshot, clone), attach, extend, delete."""

from __future__ import annotations

import math
from typing import Any

from stackyard_emulator.errors import cinder_error
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.store import Record, schedule
from stackyard_emulator.timeutil import iso_micro

from .state import DELETABLE, VolumeState, invalid


def _size(raw: Any) -> int:
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise invalid(
            f"Invalid input received: Volume size '{raw}' must be an integer and greater than 0."
        ) from None
    if size <= 0:
        raise invalid(
            f"Invalid input received: Volume size '{raw}' must be an integer and greater than 0."
        )
    return size


def _image_metadata(image: Record) -> dict[str, str]:
    keys = ("checksum", "container_format", "disk_format", "min_disk", "min_ram", "size")
    meta = {"image_id": image["id"], "image_name": str(image.get("name") or "")}
    for key in keys:
        if image.get(key) is not None:
            meta[key] = str(image[key])
    meta.update({k: str(v) for k, v in image.get("_properties", {}).items()})
    return meta


def new_volume(
    vol: VolumeState,
    project_id: str,
    user_id: str,
    body: dict[str, Any],
    *,
    status_after: str = "available",
    is_admin: bool = False,
) -> Record:
    """Create a volume as ``POST /volumes`` does (validation, quota, ``creating``)."""
    cloud = vol.cloud
    snapshot = source = image = None
    if body.get("snapshot_id"):
        snapshot = vol.snapshot(str(body["snapshot_id"]), project_id, is_admin)
        if snapshot["status"] != "available":
            raise invalid(
                "Invalid snapshot: Originating snapshot status must be one of 'available' values"
            )
    if body.get("source_volid"):
        source = vol.volume(str(body["source_volid"]), project_id, is_admin)
        if source["status"] not in ("available", "in-use"):
            raise invalid(
                f"Invalid volume: Volume {source['id']} status must be available or "
                f"in-use, but current status is: {source['status']}."
            )
    image_ref = body.get("imageRef") or body.get("image_id")
    if image_ref:
        image = cloud.image.visible(str(image_ref), project_id, is_admin)
        if image is None:
            raise invalid("Invalid image identifier or unable to access requested image.")
        if image["status"] != "active":
            raise invalid(
                f"Invalid image identifier or unable to access requested image. "
                f"Image {image['id']} is not active."
            )
    if body.get("size") is None and (snapshot or source):
        size = int((snapshot or source)["size"])  # type: ignore[index]
    else:
        size = _size(body.get("size"))
    if snapshot and size < snapshot["size"]:
        raise invalid(
            f"Invalid input received: Volume size '{size}'GB cannot be smaller than "
            f"the snapshot size {snapshot['size']}GB. They must be >= original "
            "snapshot size."
        )
    if source and size < source["size"]:
        raise invalid(
            f"Invalid input received: Volume size '{size}'GB cannot be smaller than "
            f"original volume size  {source['size']}GB. They must be >= original "
            "volume size."
        )
    if image:
        needed = max(
            int(image.get("min_disk") or 0), math.ceil(int(image.get("size") or 0) / 1024**3)
        )
        if size < needed:
            raise invalid(
                f"Invalid input received: Image minDisk size {needed} is larger than "
                f"the volume size {size}."
            )
    type_ref = body.get("volume_type")
    if type_ref is None and snapshot is not None:
        type_ref = snapshot["_type_id"]
    if type_ref is None and source is not None:
        type_ref = source["_type_id"]
    vtype = vol.type_by_ref(type_ref)
    zone = (
        body.get("availability_zone")
        or (source or snapshot or {}).get("availability_zone")
        or vol.zones[0]
    )
    if zone not in vol.zones:
        raise invalid(f"Invalid input received: Availability zone '{zone}' is invalid.")
    vol.check_size(project_id, size)
    name = vtype["name"]
    vol.check_quota(
        project_id,
        {"volumes": 1, "gigabytes": size, f"volumes_{name}": 1, f"gigabytes_{name}": size},
    )
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise invalid("Invalid input received: metadata must be a dictionary.")
    now = iso_micro()
    bootable = (
        bool(image)
        or bool(source and source["bootable"] == "true")
        or bool(snapshot and snapshot.get("_bootable"))
    )
    record: Record = {
        "id": new_uuid(),
        "name": body.get("name"),
        "description": body.get("description"),
        "size": size,
        "status": "creating",
        "availability_zone": zone,
        "created_at": now,
        "updated_at": None,
        "attachments": [],
        "bootable": "true" if bootable else "false",
        "encrypted": False,
        "multiattach": bool(body.get("multiattach", False)),
        "snapshot_id": snapshot["id"] if snapshot else None,
        "source_volid": source["id"] if source else None,
        "metadata": {str(k): str(v) for k, v in metadata.items()},
        "replication_status": None,
        "consistencygroup_id": None,
        "migration_status": None,
        "group_id": body.get("group_id"),
        "backup_id": body.get("backup_id"),
        "_project": project_id,
        "_user": user_id,
        "_type_id": vtype["id"],
        "_host": "cinder-volume@lvm#lvm",
    }
    if image:
        record["volume_image_metadata"] = _image_metadata(image)
    elif source and "volume_image_metadata" in source:
        record["volume_image_metadata"] = dict(source["volume_image_metadata"])
    elif snapshot and snapshot.get("_image_metadata"):
        record["volume_image_metadata"] = dict(snapshot["_image_metadata"])
    vol.volumes.insert(record, project_id)
    set_status_later(vol, record, vol.cloud.config.delays.volume, status_after)
    return record


def set_status_later(vol: VolumeState, record: Record, delay: float, status: str) -> None:
    """Move the volume to ``status`` after ``delay`` seconds."""

    def done(rec: Record) -> None:
        rec["status"] = status
        rec["updated_at"] = iso_micro()

    if delay <= 0 and record["status"] != "creating":
        done(record)
    else:
        schedule(record, delay, done)


def delete_volume(vol: VolumeState, record: Record, cascade: bool = False) -> None:
    """Start deleting a detached volume without snapshots (``cascade`` deletes them).

    The volume shows status ``deleting`` (still counted in the quota) and is gone
    after the ``delete`` delay; its snapshots go at once.
    """
    snapshots = [
        s for s in vol.snapshots.values(record["_project"]) if s["volume_id"] == record["id"]
    ]
    if record["status"] not in DELETABLE or record["attachments"] or (snapshots and not cascade):
        raise invalid(
            "Invalid volume: Volume status must be available or error or error_restoring or "
            "error_extending or error_managing and must not be migrating, attached, belong to "
            "a group, have snapshots, awaiting a transfer, or be disassociated from snapshots "
            "after volume transfer."
        )
    for snapshot in snapshots:
        vol.snapshots.remove(snapshot["id"])
    record["status"] = "deleting"
    record["updated_at"] = iso_micro()

    def gone(rec: Record) -> None:
        vol.volumes.remove(rec["id"])

    schedule(record, vol.cloud.config.delays.delete, gone)


def reserve(record: Record, multiattach_ok: bool = True) -> None:
    """Check that a volume can be attached now (Cinder's ``os-reserve`` rule)."""
    ok = record["status"] == "available" or (
        record["status"] == "in-use" and record["multiattach"] and multiattach_ok
    )
    if not ok:
        raise invalid(
            f"Invalid volume: Volume {record['id']} status must be available or "
            f"downloading to reserve, but the current status is {record['status']}."
        )


def attach(
    vol: VolumeState,
    record: Record,
    server_id: str,
    device: str | None,
    host: str,
    delay: float | None = None,
) -> Record:
    """Attach to a server: ``attaching`` then ``in-use`` after the volume delay."""
    reserve(record)
    attachment = {
        "id": record["id"],
        "attachment_id": new_uuid(),
        "volume_id": record["id"],
        "server_id": server_id,
        "host_name": host,
        "device": device,
        "attached_at": iso_micro(),
    }
    record["attachments"].append(attachment)
    record["attach_status"] = "attached"
    record["status"] = "attaching"
    set_status_later(
        vol, record, vol.cloud.config.delays.volume if delay is None else delay, "in-use"
    )
    return attachment


def detach(
    vol: VolumeState,
    record: Record,
    server_id: str | None,
    attachment_id: str | None = None,
    delay: float | None = None,
) -> None:
    """Detach from a server: ``detaching`` then ``available`` once no attachment is left."""
    before = len(record["attachments"])
    record["attachments"] = [
        a
        for a in record["attachments"]
        if not (
            (server_id and a["server_id"] == server_id)
            or (attachment_id and a["attachment_id"] == attachment_id)
        )
    ]
    if len(record["attachments"]) == before:
        raise invalid(f"Invalid volume: Volume {record['id']} is not attached to that server.")
    if record["attachments"]:
        return
    record["attach_status"] = "detached"
    record["status"] = "detaching"
    set_status_later(
        vol, record, vol.cloud.config.delays.volume if delay is None else delay, "available"
    )


def extend(vol: VolumeState, record: Record, new_size: Any) -> None:
    """Grow a volume (available, or in-use from 3.42); ``extending`` until it settles."""
    size = _size(new_size)
    if size <= record["size"]:
        raise invalid(
            f"Invalid input received: New size for extend must be greater than "
            f"current size. (current: {record['size']}, extended: {size})."
        )
    if record["status"] not in ("available", "in-use"):
        raise invalid(
            f"Invalid volume: Volume status must be 'available' or 'in-use' to "
            f"extend, but current status is: {record['status']}."
        )
    delta = size - record["size"]
    name = vol.type_name(record["_type_id"])
    vol.check_size(record["_project"], size)
    vol.check_quota(record["_project"], {"gigabytes": delta, f"gigabytes_{name}": delta})
    back = record["status"]
    record["status"] = "extending"

    def done(rec: Record) -> None:
        rec["size"] = size
        rec["status"] = back
        rec["updated_at"] = iso_micro()

    schedule(record, vol.cloud.config.delays.volume, done)


def require_admin(is_admin: bool) -> None:
    """Cinder's 403 for admin-only actions."""
    if not is_admin:
        raise cinder_error(403, "Policy doesn't allow this action to be performed.")
