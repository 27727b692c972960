"""Creations that never end: a pull ends ERRED the volumes stuck in creation past the
deadline that no live saga holds (and their orders), and leaves the others alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from stackyard_common.sagas import saga_runs, start_saga
from stackyard_storage.volumes.sagas import create_volume

from .conftest import Storage, Tenant
from .pulling import events_about, pull, record, sql, written_volume

CHANGED = "volume.state_changed.v1"


def _ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


async def _creating(storage: Storage, tenant: Tenant, name: str, *, old: bool = True) -> uuid.UUID:
    key = await written_volume(storage, tenant, name=name, state="CREATING")
    if old:
        await sql(storage, "UPDATE volumes SET modified = :t WHERE uuid = :u", t=_ago(2), u=key)
    return key


async def _run(storage: Storage, key: uuid.UUID, data: dict[str, Any], **values: Any) -> uuid.UUID:
    """A create-volume run of `key`, its columns then set to `values`."""
    async with storage.database.session() as session:
        run = await start_saga(session, create_volume, key, data)
        if values:
            await session.execute(update(saga_runs).where(saga_runs.c.id == run).values(**values))
    return run


async def _run_state(storage: Storage, run: uuid.UUID) -> str:
    (row,) = await sql(storage, "SELECT state FROM saga_runs WHERE id = :r", r=run)
    return str(row.state)


async def test_a_creation_no_saga_drives_ends_erred_and_so_does_its_order(
    storage: Storage, tenant: Tenant
) -> None:
    orphan = await _creating(storage, tenant, "orphan")
    order = uuid.uuid4()
    abandoned = await _creating(storage, tenant, "abandoned")
    # Its worker died: the run is due since long ago and nobody holds its lease.
    dead = await _run(storage, abandoned, {"order_uuid": str(order)}, wake_at=_ago(2))
    young = await _creating(storage, tenant, "young", old=False)

    summary = await pull(storage, tenant)
    assert summary["volumes"]["stuck"] == 2
    for key in (orphan, abandoned):
        found = await record(storage, key)
        assert found is not None
        assert found.state == "ERRED"
        assert found.error_message.startswith("The volume was still being created after 10 minutes")
    assert await _run_state(storage, dead) == "failed"
    (ended,) = await events_about(storage, CHANGED, abandoned)
    assert (ended["order_uuid"], ended["order_result"], ended["state"]) == (
        str(order),
        "erred",
        "ERRED",
    )
    (plain,) = await events_about(storage, CHANGED, orphan)
    assert plain["order_uuid"] is None
    assert "order_result" not in plain
    still = await record(storage, young)
    assert still is not None
    assert still.state == "CREATING"


async def test_a_creation_a_live_saga_holds_is_left_alone(storage: Storage, tenant: Tenant) -> None:
    waiting = await _creating(storage, tenant, "waiting")
    # Polling the cloud, or waiting for an event: it wakes up later.
    later = await _run(storage, waiting, {}, wake_at=_ago(-24 * 365 * 100))
    driven = await _creating(storage, tenant, "driven")
    # A worker holds it now, though it became due long ago.
    held = await _run(
        storage,
        driven,
        {},
        wake_at=_ago(2),
        lease_owner="another-worker",
        lease_expires_at=_ago(-1),
    )
    try:
        summary = await pull(storage, tenant)
        assert (summary["volumes"]["stuck"], summary["volumes"]["busy"]) == (0, 2)
        for key in (waiting, driven):
            found = await record(storage, key)
            assert found is not None
            assert found.state == "CREATING"
            assert await events_about(storage, CHANGED, key) == []
        assert await _run_state(storage, later) == "running"
        assert await _run_state(storage, held) == "running"
    finally:
        # No other test's saga runner may take them up.
        await sql(storage, "DELETE FROM saga_runs WHERE id IN (:a, :b)", a=later, b=held)
