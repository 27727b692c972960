"""The bulk pull of a tenant's instances against the emulated cloud: a server's changed
status comes through, a server deleted behind the platform's back marks its instance
missing and the record goes only after the grace period, a busy instance is left alone,
and a creation stuck without a live provisioning run ends ERRED (its order too)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from stackyard_common.resources.pulls import PullSettings
from stackyard_common.sagas import saga_runs, start_saga
from stackyard_compute.instances.provisioning import provision_instance
from stackyard_compute.instances.pull import GONE, pull_tenant_instances

from .cloud_records import delete_server, direct_server, load, projected, published, record
from .conftest import Cloudyard, Tenant

GRACE = timedelta(minutes=10)
SETTINGS = PullSettings(missing_grace_period=GRACE.total_seconds(), creating_deadline=3600)
LONG_AGO = timedelta(hours=2)


async def pull(cloudyard: Cloudyard, tenant: Tenant, now: datetime | None = None) -> dict[str, int]:
    async with cloudyard.compute_db.session() as session:
        return await pull_tenant_instances(
            session,
            cloudyard.clouds,
            await projected(cloudyard, tenant),
            now=now,
            settings=SETTINGS,
        )


async def test_a_changed_server_status_comes_through(cloudyard: Cloudyard, tenant: Tenant) -> None:
    server = await direct_server(cloudyard, tenant, "web")
    key = await record(cloudyard, tenant, backend_id=server.id, name="old-name")
    other = await record(
        cloudyard, tenant, backend_id=(await direct_server(cloudyard, tenant, "db")).id
    )
    assert (await pull(cloudyard, tenant))["changed"] == 2  # names and flavors
    instance = await load(cloudyard, key)
    assert instance is not None
    assert (instance.state, instance.runtime_state, instance.name) == ("OK", "ACTIVE", "web")
    assert (instance.flavor_name, instance.cores, instance.ram) == ("m1.small", 1, 2048)
    again = await pull(cloudyard, tenant)
    assert (again["changed"], again["unchanged"]) == (0, 2)

    client = await cloudyard.clouds.client(tenant.uuid)
    await client.compute.stop_server(server.id)
    await client.compute.wait_for_server(server.id, "SHUTOFF", timeout=30, interval=0.05)
    counts = await pull(cloudyard, tenant)

    assert (counts["changed"], counts["unchanged"], counts["missing"]) == (1, 1, 0)
    instance = await load(cloudyard, key)
    assert instance is not None
    assert (instance.state, instance.runtime_state) == ("OK", "SHUTOFF")
    events = await published(cloudyard, key)
    assert [kind for kind, _ in events] == ["instance.state_changed.v1"] * 2
    assert (events[-1][1]["runtime_state"], events[-1][1]["state"]) == ("SHUTOFF", "OK")
    assert len(await published(cloudyard, other)) == 1


async def test_a_server_gone_from_the_cloud_is_marked_and_forgotten_after_the_grace_period(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    server = await direct_server(cloudyard, tenant, "gone")
    key = await record(
        cloudyard, tenant, backend_id=server.id, modified=datetime.now(UTC) - LONG_AGO
    )
    # Settled a moment ago, maybe after the listing began: its server may just be too new.
    just_made = await record(cloudyard, tenant, backend_id="a-server-made-just-now")
    await delete_server(cloudyard, tenant, server.id)
    now = datetime.now(UTC)

    counts = await pull(cloudyard, tenant, now)
    assert (counts["missing"], counts["recent"]) == (1, 1)
    settling = await load(cloudyard, just_made)
    assert settling is not None
    assert (settling.state, settling.backend_missing_since) == ("OK", None)
    instance = await load(cloudyard, key)
    assert instance is not None
    assert (instance.state, instance.error_message) == ("ERRED", GONE)
    assert instance.backend_missing_since == now
    view = await cloudyard.client.get(f"/api/openstack-instances/{key}/", headers=tenant.owner)
    assert view.json()["backend_missing_since"] is not None
    assert view.json()["state"] == "ERRED"

    counts = await pull(cloudyard, tenant, now + GRACE - timedelta(seconds=1))
    assert (counts["missing"], counts["expired"]) == (0, 0)
    assert await load(cloudyard, key) is not None

    assert (await pull(cloudyard, tenant, now + GRACE))["expired"] == 1
    assert await load(cloudyard, key) is None
    events = await published(cloudyard, key)
    assert [kind for kind, _ in events] == ["instance.state_changed.v1", "instance.deleted.v1"]
    assert events[0][1]["state"] == "ERRED"
    assert events[0][1]["error_message"] == GONE


async def test_a_marked_instance_whose_server_is_back_is_ok_again(
    cloudyard: Cloudyard, tenant: Tenant
) -> None:
    server = await direct_server(cloudyard, tenant, "back")
    key = await record(
        cloudyard,
        tenant,
        backend_id=server.id,
        state="ERRED",
        error_message=GONE,
        backend_missing_since=datetime.now(UTC) - timedelta(minutes=5),
    )
    assert (await pull(cloudyard, tenant))["returned"] == 1
    instance = await load(cloudyard, key)
    assert instance is not None
    assert (instance.state, instance.error_message, instance.backend_missing_since) == (
        "OK",
        "",
        None,
    )
    ((kind, payload),) = await published(cloudyard, key)
    assert (kind, payload["state"]) == ("instance.state_changed.v1", "OK")


async def test_a_busy_instance_is_not_touched(cloudyard: Cloudyard, tenant: Tenant) -> None:
    server = await direct_server(cloudyard, tenant, "busy")
    key = await record(
        cloudyard,
        tenant,
        backend_id=server.id,
        state="UPDATING",
        runtime_state="ACTIVE",
        name="busy",
        modified=datetime.now(UTC) - LONG_AGO,
    )
    client = await cloudyard.clouds.client(tenant.uuid)
    await client.compute.stop_server(server.id)
    await client.compute.wait_for_server(server.id, "SHUTOFF", timeout=30, interval=0.05)
    assert (await pull(cloudyard, tenant))["busy"] == 1

    await delete_server(cloudyard, tenant, server.id)
    counts = await pull(cloudyard, tenant, datetime.now(UTC) + GRACE * 10)

    assert (counts["busy"], counts["missing"], counts["expired"], counts["stuck"]) == (1, 0, 0, 0)
    instance = await load(cloudyard, key)
    assert instance is not None
    assert (instance.state, instance.runtime_state, instance.backend_missing_since) == (
        "UPDATING",
        "ACTIVE",
        None,
    )
    assert await published(cloudyard, key) == []


@pytest.fixture
async def runs(cloudyard: Cloudyard) -> AsyncIterator[list[uuid.UUID]]:
    """Saga runs a test writes by hand; ended afterwards, so no runner ever drives them."""
    made: list[uuid.UUID] = []
    yield made
    async with cloudyard.compute_db.session() as session:
        await session.execute(
            update(saga_runs)
            .where(saga_runs.c.id.in_(made), saga_runs.c.state.in_(("running", "compensating")))
            .values(state="failed", lease_owner=None, lease_expires_at=None)
        )


async def provisioning_run(
    cloudyard: Cloudyard, runs: list[uuid.UUID], key: uuid.UUID, **columns: Any
) -> uuid.UUID:
    """A provisioning run of the instance `key`, with `columns` as given."""
    async with cloudyard.compute_db.session() as session:
        run = await start_saga(session, provision_instance, key, columns.pop("data", {}))
        runs.append(run)
        await session.execute(update(saga_runs).where(saga_runs.c.id == run).values(**columns))
    return run


async def run_state(cloudyard: Cloudyard, run: uuid.UUID) -> str:
    async with cloudyard.compute_db.session() as session:
        found = await session.execute(select(saga_runs.c.state).where(saga_runs.c.id == run))
        return str(found.scalar_one())


async def test_a_creation_stuck_without_a_live_saga_ends_erred_with_its_order(
    cloudyard: Cloudyard, tenant: Tenant, runs: list[uuid.UUID]
) -> None:
    now = datetime.now(UTC)
    old = now - LONG_AGO
    order = uuid.uuid4()
    abandoned = await record(cloudyard, tenant, state="CREATING", modified=old)
    abandoned_run = await provisioning_run(
        cloudyard,
        runs,
        abandoned,
        data={"order_uuid": str(order)},
        step_index=6,
        step_name="create-server",
        wake_at=old,
    )
    ended = await record(cloudyard, tenant, state="CREATION_SCHEDULED", modified=old)
    await provisioning_run(cloudyard, runs, ended, state="compensated", error="quota exceeded")
    orphan = await record(cloudyard, tenant, state="CREATING", modified=old)
    waiting = await record(cloudyard, tenant, state="CREATION_SCHEDULED", modified=old)
    await provisioning_run(cloudyard, runs, waiting, wake_at=now + timedelta(seconds=30))
    leased = await record(cloudyard, tenant, state="CREATING", modified=old)
    await provisioning_run(
        cloudyard,
        runs,
        leased,
        wake_at=old,
        lease_owner="another-worker",
        lease_expires_at=now + timedelta(minutes=1),
    )
    fresh = await record(cloudyard, tenant, state="CREATING")

    counts = await pull(cloudyard, tenant, now)

    assert counts["stuck"] == 3
    reasons = {}
    for key in (abandoned, ended, orphan):
        instance = await load(cloudyard, key)
        assert instance is not None
        assert instance.state == "ERRED"
        assert instance.error_message.startswith("The creation did not finish within 1:00:00")
        reasons[key] = instance.error_message
    assert "no worker has driven its provisioning" in reasons[abandoned]
    assert "ended compensated (quota exceeded)" in reasons[ended]
    assert "it has no provisioning run" in reasons[orphan]
    assert await run_state(cloudyard, abandoned_run) == "failed"
    ((kind, payload),) = await published(cloudyard, abandoned)
    assert (kind, payload["state"], payload["order_uuid"], payload["order_result"]) == (
        "instance.state_changed.v1",
        "ERRED",
        str(order),
        "erred",
    )
    assert "order_result" not in (await published(cloudyard, orphan))[0][1]
    for key in (waiting, leased, fresh):
        instance = await load(cloudyard, key)
        assert instance is not None
        assert instance.state in ("CREATING", "CREATION_SCHEDULED")
        assert await published(cloudyard, key) == []
