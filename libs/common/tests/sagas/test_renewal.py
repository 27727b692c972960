"""Lease renewal: every run in flight kept in one statement; a driver whose lease went
to another worker is cancelled, the others keep theirs."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from stackyard_common.db import Database
from stackyard_common.sagas import Saga, Step, StepContext, saga_runs, start_saga
from stackyard_common.sagas.lease import Leases
from stackyard_common.sagas.renewal import Renewal


async def _nothing(ctx: StepContext) -> None:
    return None


SAGA = Saga("renewed", [Step("a", _nothing)])


async def test_leases_are_kept_and_a_lost_one_cancels_its_driver(db: Database) -> None:
    async with db.session() as session:
        for _ in range(2):
            await start_saga(session, SAGA, uuid.uuid4())
    leases = Leases(db, "worker-a", timedelta(seconds=0.6))
    kept, lost = await leases.claim([SAGA.name], 2)
    renewal = Renewal(leases)

    async def drive(run_id: uuid.UUID) -> None:
        with renewal.driving(run_id):
            await asyncio.sleep(30)

    drivers = {run.id: asyncio.create_task(drive(run.id)) for run in (kept, lost)}
    renewer = asyncio.create_task(renewal.run())
    try:
        async with db.session() as session:
            await session.execute(
                update(saga_runs).where(saga_runs.c.id == lost.id).values(lease_owner="worker-b")
            )
        async with asyncio.timeout(5):
            while not drivers[lost.id].done():
                await asyncio.sleep(0.05)
        assert drivers[lost.id].cancelled()
        await asyncio.sleep(0.7)  # past the first expiry: renewed, so still held
        assert not drivers[kept.id].done()
        async with db.session() as session:
            owner, expires = (
                await session.execute(
                    select(saga_runs.c.lease_owner, saga_runs.c.lease_expires_at).where(
                        saga_runs.c.id == kept.id
                    )
                )
            ).one()
            now = await session.scalar(select(func.now()))
        assert owner == "worker-a"
        assert expires > now
    finally:
        renewer.cancel()
        for task in drivers.values():
            task.cancel()
        await asyncio.gather(renewer, *drivers.values(), return_exceptions=True)
