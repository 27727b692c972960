"""Identity's scheduled tenant tasks against the emulated cloud: tenants stuck deleting or
updating end ERRED unless a saga still works on them; quotas and flavors changed
directly in the cloud reach the tenant after the pulls, each change announced."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from stackyard_common.sagas import Saga, Step, StepContext, start_saga
from stackyard_common.settings import Settings, get_settings
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.runtime import RUNTIME_KEY
from stackyard_identity.tenants.settings import OpenStackSettings
from stackyard_identity.tenants.tasks import (
    mark_stuck_deleting_tenants,
    mark_stuck_updating_tenants,
    pull_tenant_properties,
    pull_tenant_quotas,
)
from stackyard_identity.worker import PERIODIC_JOBS
from stackyard_identity.worker import settings as worker_settings

from .tenant_cloud import TenantCloud


async def _never_runs(ctx: StepContext) -> None:
    raise AssertionError("no runner drives this saga")


# No worker knows this saga: its run stays "running", as a saga still at work does.
HOLD = Saga("hold-tenant-for-test", steps=[Step("hold", _never_runs)])


async def _tenant(cloud: TenantCloud, state: str, age: timedelta, *, hold: bool = False) -> Tenant:
    """A tenant record in `state`, last changed `age` ago (with a live saga if `hold`)."""
    customer, project = await cloud.organisation()
    async with cloud.database.session() as session:
        tenant = Tenant(
            name=f"{state.lower()}-{uuid.uuid4().hex[:6]}",
            state=state,
            customer_uuid=customer.uuid,
            project_uuid=project.uuid,
            connection_uuid=cloud.connection.uuid,
        )
        session.add(tenant)
        await session.flush()
        await session.execute(
            update(Tenant)
            .where(Tenant.uuid == tenant.uuid)
            .values(modified=datetime.now(UTC) - age)
        )
        if hold:
            await start_saga(session, HOLD, tenant.uuid)
    return tenant


async def _state(cloud: TenantCloud, tenant: Tenant) -> Tenant:
    async with cloud.database.session() as session:
        found = await session.get(Tenant, tenant.uuid)
    assert found is not None
    return found


def _ctx(cloud: TenantCloud, **openstack: Any) -> dict[str, Any]:
    runtime = cloud.runtime
    if openstack:
        runtime = dataclasses.replace(runtime, openstack=OpenStackSettings(**openstack))
    return {RUNTIME_KEY: runtime, "database": cloud.database}


def test_the_worker_declares_the_tenant_tasks() -> None:
    assert [(job.name, job.period) for job in PERIODIC_JOBS] == [
        ("pull-tenant-quotas", "every 12h"),
        ("pull-tenant-properties", "every 1d"),
        ("mark-stuck-deleting-tenants", "every 1d"),
        ("mark-stuck-updating-tenants", "every 1h"),
    ]


def test_a_schedule_override_changes_the_workers_cron(
    platform_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "STACKYARD_SCHEDULE", '{"pull-tenant-quotas": 1800, "mark-stuck-updating-tenants": 900}'
    )
    get_settings.cache_clear()
    try:
        jobs = {job.name: job for job in worker_settings()["cron_jobs"]}
    finally:
        get_settings.cache_clear()  # the next reader sees the environment without the override
    quotas, updating = jobs["pull-tenant-quotas"], jobs["mark-stuck-updating-tenants"]
    assert (quotas.hour, quotas.minute) == (None, {0, 30})
    assert (updating.hour, updating.minute) == (None, {0, 15, 30, 45})
    assert jobs["pull-tenant-properties"].hour == 0  # not overridden: daily at midnight


async def test_a_tenant_stuck_deleting_without_a_saga_ends_erred(
    tenant_cloud: TenantCloud,
) -> None:
    stuck = await _tenant(tenant_cloud, "DELETING", timedelta(hours=25))
    scheduled = await _tenant(tenant_cloud, "DELETION_SCHEDULED", timedelta(hours=30))
    recent = await _tenant(tenant_cloud, "DELETING", timedelta(hours=23))
    working = await _tenant(tenant_cloud, "DELETING", timedelta(hours=25), hold=True)

    summary = await mark_stuck_deleting_tenants(_ctx(tenant_cloud))

    assert set(summary["erred_tenants"]) >= {stuck.name, scheduled.name}
    assert recent.name not in summary["erred_tenants"]
    assert working.name not in summary["erred_tenants"]
    assert summary["saga_running"] >= 1
    erred = await _state(tenant_cloud, stuck)
    assert erred.state == "ERRED"
    assert "DELETING for more than 24 hours" in erred.error_message
    assert (await _state(tenant_cloud, scheduled)).state == "ERRED"
    assert (await _state(tenant_cloud, recent)).state == "DELETING"
    assert (await _state(tenant_cloud, working)).state == "DELETING"
    event = (await tenant_cloud.events(stuck))[-1]
    assert event["type"] == "tenant.state_changed.v1"
    assert event["payload"]["state"] == "ERRED"
    assert event["payload"]["error_message"] == erred.error_message
    assert await tenant_cloud.events(recent) == []

    again = await mark_stuck_deleting_tenants(_ctx(tenant_cloud))
    assert stuck.name not in again["erred_tenants"]


async def test_a_tenant_stuck_updating_ends_erred_after_the_configured_time(
    tenant_cloud: TenantCloud,
) -> None:
    stuck = await _tenant(tenant_cloud, "UPDATING", timedelta(hours=2))
    recent = await _tenant(tenant_cloud, "UPDATE_SCHEDULED", timedelta(minutes=30))
    deleting = await _tenant(tenant_cloud, "DELETING", timedelta(hours=2))

    summary = await mark_stuck_updating_tenants(_ctx(tenant_cloud))
    assert stuck.name in summary["erred_tenants"]
    assert recent.name not in summary["erred_tenants"]
    assert (await _state(tenant_cloud, recent)).state == "UPDATE_SCHEDULED"
    assert (await _state(tenant_cloud, deleting)).state == "DELETING"

    shorter = await mark_stuck_updating_tenants(_ctx(tenant_cloud, stuck_updating_after=600))
    assert shorter["older_than_seconds"] == 600
    assert recent.name in shorter["erred_tenants"]
    erred = await _state(tenant_cloud, recent)
    assert (erred.state, "more than 10 minutes" in erred.error_message) == ("ERRED", True)


async def _ok_tenant(cloud: TenantCloud, name: str) -> Tenant:
    resource, _ = await cloud.order_tenant(name)

    async def ok() -> bool:
        tenant = await cloud.tenant_of(resource)
        return tenant is not None and tenant.state == "OK"

    await cloud.run_until(ok)
    tenant = await cloud.tenant_of(resource)
    assert tenant is not None
    return tenant


async def test_quotas_changed_in_the_cloud_reach_the_tenant(tenant_cloud: TenantCloud) -> None:
    tenant = await _ok_tenant(tenant_cloud, "quota-pull")
    assert tenant.quotas["vcpu"] == 8
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    await cloud.compute.set_quotas(tenant.backend_id, cores=5)
    await cloud.network.set_quotas(tenant.backend_id, floatingip=7)
    await cloud.network.create_network("used", project_id=tenant.backend_id)

    summary = await pull_tenant_quotas(_ctx(tenant_cloud))

    assert tenant.name in summary["changed_tenants"]
    assert tenant.name not in summary["errors"]
    pulled = await _state(tenant_cloud, tenant)
    assert (pulled.quotas["vcpu"], pulled.quotas["floating_ip_count"]) == (5, 7)
    assert pulled.quotas["ram"] == 16384
    assert pulled.usage["network_count"] == 2  # the tenant's own network and the new one
    event = (await tenant_cloud.events(tenant))[-1]
    assert event["type"] == "tenant.updated.v1"
    assert event["payload"]["quotas_changed"] == {"vcpu": [8, 5], "floating_ip_count": [50, 7]}

    # Nothing new: nothing announced. A tenant a saga works on is left alone.
    announced = len(await tenant_cloud.events(tenant))
    again = await pull_tenant_quotas(_ctx(tenant_cloud))
    assert tenant.name not in again["changed_tenants"]
    assert len(await tenant_cloud.events(tenant)) == announced
    async with tenant_cloud.database.session() as session:
        await start_saga(session, HOLD, tenant.uuid)
    await cloud.compute.set_quotas(tenant.backend_id, cores=6)
    held = await pull_tenant_quotas(_ctx(tenant_cloud))
    assert held["busy"] >= 1
    assert (await _state(tenant_cloud, tenant)).quotas["vcpu"] == 5


async def test_a_flavor_made_in_the_cloud_reaches_the_tenant(tenant_cloud: TenantCloud) -> None:
    tenant = await _ok_tenant(tenant_cloud, "property-pull")
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    name = f"m1.pulled-{uuid.uuid4().hex[:6]}"
    made = await cloud.session.request(
        "compute",
        "POST",
        "/flavors",
        json={"flavor": {"name": name, "vcpus": 3, "ram": 3072, "disk": 30}},
    )
    flavor_id = made.json()["flavor"]["id"]
    try:
        summary = await pull_tenant_properties(_ctx(tenant_cloud))
    finally:
        await cloud.session.request("compute", "DELETE", f"/flavors/{flavor_id}")

    assert tenant.name in summary["changed_tenants"]
    pulled = await _state(tenant_cloud, tenant)
    assert name in [flavor["name"] for flavor in pulled.properties["flavors"]]
    event = (await tenant_cloud.events(tenant))[-1]
    assert event["type"] == "tenant.properties_pulled.v1"
    assert name in [flavor["name"] for flavor in event["payload"]["flavors"]]
    assert "images" not in event["payload"]  # only what changed is announced
