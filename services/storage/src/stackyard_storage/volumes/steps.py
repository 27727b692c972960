"""The cloud work of the volume sagas: each step finds what an earlier attempt made, and
each poll reports the cloud's status as the volume's `runtime_state` while it waits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackyard_common.openstack import NotFound
from stackyard_common.openstack.volume import Volume as CloudVolume
from stackyard_common.resources.steps import RecordStep, refusals_fail
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_storage.common.cloud import MARK, find_volume, gib, mib
from stackyard_storage.common.runtime import RUNTIME, StorageRuntime
from stackyard_storage.volumes.models import Volume

__all__ = [
    "attach_cloud_volume",
    "create_cloud_volume",
    "delete_cloud_volume",
    "detach_cloud_volume",
    "extend_cloud_volume",
    "pull_cloud_volume",
    "volume_available",
    "volume_detached",
    "volume_extended",
    "volume_in_use",
    "volume_values",
]

SETTLED = ("available", "in-use")
WAIT_TIMEOUT, WAIT_INTERVAL = 300.0, 0.5


async def _load(ctx: StepContext) -> RecordStep[StorageRuntime, Volume]:
    return await RecordStep.load(ctx, RUNTIME, Volume)


@refusals_fail
async def create_cloud_volume(ctx: StepContext) -> Mapping[str, Any]:
    """Find or make the volume (empty, from an image, a snapshot or a backup)."""
    step = await _load(ctx)
    client = await step.client()
    volume = step.record
    found = await find_volume(client, volume.uuid)
    if found is None and ctx.data.get("backup_id"):
        # A restore makes the volume itself; it is marked at once, to be found again.
        volume_id = await client.volume.restore_backup(str(ctx.data["backup_id"]), name=volume.name)
        await client.volume.update_volume(volume_id, metadata={MARK: str(volume.uuid)})
        found = await client.volume.get_volume(volume_id)
    if found is None:
        found = await client.volume.create_volume(
            gib(volume.size),
            name=volume.name,
            description=volume.description or None,
            volume_type=volume.type_name or None,
            availability_zone=volume.availability_zone or None,
            image_id=volume.image_id or None,
            snapshot_id=ctx.data.get("snapshot_id") or None,
            metadata={MARK: str(volume.uuid)},
        )
    # The metadata too, so that the record starts as the cloud has it (with the mark).
    await step.save(
        backend_id=found.id, runtime_state=found.status or "", cloud_metadata=dict(found.metadata)
    )
    return {"backend_id": found.id}


@refusals_fail
async def delete_cloud_volume(ctx: StepContext) -> None:
    """Delete the volume if it exists, and wait until it is gone."""
    step = await _load(ctx)
    client = await step.client()
    volume_id = step.record.backend_id or ctx.data.get("backend_id")
    if not volume_id:
        found = await find_volume(client, step.record.uuid)
        volume_id = found.id if found else None
    if volume_id:
        await client.volume.delete_volume(str(volume_id))
        await client.volume.wait_for_volume_delete(
            str(volume_id), timeout=WAIT_TIMEOUT, interval=WAIT_INTERVAL
        )
    await step.save(runtime_state="deleted")


async def _status(ctx: StepContext) -> tuple[RecordStep[StorageRuntime, Volume], Any]:
    step = await _load(ctx)
    client = await step.client()
    try:
        found = await client.volume.get_volume(step.record.backend_id)
    except NotFound as error:
        raise StepFailed(f"volume {step.record.backend_id} is gone from the cloud") from error
    status = (found.status or "").lower()
    if status.startswith("error"):
        raise StepFailed(f"the cloud reports volume {found.id} as {status}")
    if status != step.record.runtime_state:
        await step.save(runtime_state=status)
    return step, found


async def volume_available(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the volume is usable (`available`, or `in-use` if attached meanwhile)."""
    _, found = await _status(ctx)
    if found.status not in SETTLED:
        return None
    return {
        "runtime_state": found.status,
        "bootable": bool(found.bootable),
        "size": mib(found.size),
    }


@refusals_fail
async def extend_cloud_volume(ctx: StepContext) -> Mapping[str, Any]:
    """Grow the volume to `data["size"]` MiB unless it is that large already."""
    step = await _load(ctx)
    client = await step.client()
    found = await client.volume.get_volume(step.record.backend_id)
    target = gib(int(ctx.data["size"]))
    if found.size < target:
        await client.volume.extend_volume(found.id, target)
    return {"size": mib(target)}


async def volume_extended(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the volume has its new size and is settled again."""
    _, found = await _status(ctx)
    if found.status not in SETTLED or mib(found.size) < int(ctx.data["size"]):
        return None
    return {"runtime_state": found.status}


@refusals_fail
async def attach_cloud_volume(ctx: StepContext) -> None:
    """Attach the volume to `data["server_id"]` unless it is attached there already."""
    step = await _load(ctx)
    client = await step.client()
    found = await client.volume.get_volume(step.record.backend_id)
    server = str(ctx.data["server_id"])
    if any(item.get("server_id") == server for item in found.attachments):
        return
    await client.compute.attach_volume(server, found.id)


async def volume_in_use(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the volume is `in-use` by the server; its device becomes the volume's."""
    _, found = await _status(ctx)
    server = str(ctx.data["server_id"])
    attached = [item for item in found.attachments if item.get("server_id") == server]
    if found.status != "in-use" or not attached:
        return None
    return {
        "runtime_state": "in-use",
        "device": str(attached[0].get("device") or ""),
        "instance_uuid": ctx.data["instance_uuid"],
        "instance_name": ctx.data.get("instance_name", ""),
    }


@refusals_fail
async def detach_cloud_volume(ctx: StepContext) -> None:
    """Detach the volume from every server that has it."""
    step = await _load(ctx)
    client = await step.client()
    found = await client.volume.get_volume(step.record.backend_id)
    for item in found.attachments:
        await client.compute.detach_volume(str(item.get("server_id")), found.id)


async def volume_detached(ctx: StepContext) -> Mapping[str, Any] | None:
    """Done when the volume is `available` again; it belongs to no instance then."""
    _, found = await _status(ctx)
    if found.status != "available":
        return None
    return {"runtime_state": "available", "device": "", "instance_uuid": None, "instance_name": ""}


@refusals_fail
async def pull_cloud_volume(ctx: StepContext) -> Mapping[str, Any]:
    """Read the volume's status, size and bootability back from the cloud."""
    step = await _load(ctx)
    if not step.record.backend_id:
        raise StepFailed("the volume has no cloud volume")
    client = await step.client()
    try:
        found = await client.volume.get_volume(step.record.backend_id)
    except NotFound as error:
        raise StepFailed(f"volume {step.record.backend_id} is gone from the cloud") from error
    return volume_values(found)


def volume_values(found: CloudVolume) -> dict[str, Any]:
    """What a pull takes from the cloud's volume onto its record: status, size, bootable
    (the staff `pull` action and the periodic bulk pull alike)."""
    return {
        "runtime_state": found.status or "",
        "size": mib(found.size),
        "bootable": bool(found.bootable),
    }
