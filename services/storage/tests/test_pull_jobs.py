"""The periodic pulls: declared in the worker, each a loop over the usable tenants that
goes on when one tenant's cloud fails."""

from __future__ import annotations

import uuid
from datetime import timedelta

from stackyard_common.testing.emulated import project_tenant
from stackyard_storage.common.runtime import RUNTIME_KEY
from stackyard_storage.worker import PERIODIC_JOBS

from .conftest import Storage, Tenant
from .pulling import client_of, made_volume


def test_the_worker_runs_the_pulls_on_their_schedules() -> None:
    schedule = {job.name: job.every for job in PERIODIC_JOBS}
    assert schedule == {
        "expire-copies": timedelta(minutes=10),
        "pull-volumes": timedelta(hours=1),
        "recover-lost-volumes": timedelta(hours=6),
        "pull-volume-metadata": timedelta(hours=24),
    }


async def test_a_tenant_whose_cloud_fails_does_not_stop_the_others(
    storage: Storage, tenant: Tenant
) -> None:
    await made_volume(storage, tenant, "counted")
    client = await client_of(storage, tenant)
    stray = await client.volume.create_volume(1, name="stray")
    # Only settled volumes are recovered (one still being made may be a restore's).
    await client.volume.wait_for_volume(stray.id, timeout=10, interval=0.05)
    # A tenant the platform knows but whose cloud session cannot be had.
    broken = uuid.uuid4()
    await project_tenant(
        storage.database,
        tenant=broken,
        backend_id="no-such-project",
        customer=uuid.uuid4(),
        project=uuid.uuid4(),
        connection=uuid.uuid4(),
    )
    ctx = {"database": storage.database, RUNTIME_KEY: storage.app.state.storage_runtime}
    jobs = {job.name: job.function for job in PERIODIC_JOBS}

    pulled = await jobs["pull-volumes"](ctx)
    assert pulled["failed"] >= 1
    assert str(broken) in pulled["failures"]
    assert pulled["tenants"] - pulled["failed"] >= 1
    assert pulled["volumes"]["unknown"] >= 1  # the stray volume, left to the recovery

    recovered = await jobs["recover-lost-volumes"](ctx)
    assert str(broken) in recovered["failures"]
    assert recovered["imported"] >= 1
    assert (await jobs["recover-lost-volumes"](ctx))["imported"] == 0

    refreshed = await jobs["pull-volume-metadata"](ctx)
    assert str(broken) in refreshed["failures"]
    assert refreshed["tenants"] - refreshed["failed"] >= 1
