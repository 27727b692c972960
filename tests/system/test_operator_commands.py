"""The operators' commands, run as an operator runs them (`stackyard ...` in a shell on
a platform host) against the running platform and its emulator:

- a quota changed directly in the cloud is reported as drift (command and staff API)
  and fixed by `push-tenant-quotas`; `--dry-run` changes neither cloud nor records;
- `import-tenant-quotas` brings the cloud's limits into the marketplace resource;
- `validate-openstack-services` passes, and names the failing service (exit 1) when the
  emulator refuses it; `--test-writes` leaves the cloud as it found it;
- leftover projects (marked for a tenant without a record) are dropped with their users,
  and nothing else is; `--dry-run` drops nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr

from stackyard_common.openstack import CloudConfig, MemoryTokenCache, OpenStackClient
from stackyard_common.testing.platform import RunningPlatform

from .journey import EMULATOR_ADMIN, Journey, stackyard

pytestmark = pytest.mark.system


@dataclass
class Ordered:
    """A tenant ordered through the marketplace, as staff and the cloud see it."""

    offering: dict[str, Any]
    resource: str
    tenant: dict[str, Any]


@pytest.fixture(scope="module")
def journey(platform: RunningPlatform) -> Journey:
    return Journey.start(platform)


@pytest.fixture(scope="module")
def ordered(journey: Journey) -> Ordered:
    provider = journey.organisation("Operator provider")
    offering = journey.tenant_offering(provider.uuid)
    consumer = journey.organisation("Operator consumer")
    order = journey.order(
        consumer.owner,
        {
            "offering": offering["uuid"],
            "project": consumer.project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 16, "ram": 32768, "storage": 512000},
            "attributes": {"name": "operated", "subnet_cidr": "192.168.88.0/24"},
        },
    )
    done = journey.finished_order(consumer.owner, order["uuid"])
    assert done["state"] == "done", done["error_message"]
    resource = order["marketplace_resource_uuid"]
    tenant = journey.staff.get(f"/api/openstack-tenants/?marketplace_resource_uuid={resource}")
    (found,) = tenant.json()
    return Ordered(offering, resource, found)


@pytest.fixture
async def admin_cloud(platform: RunningPlatform) -> AsyncIterator[OpenStackClient]:
    """The emulator's admin, to change the cloud behind the platform's back."""
    config = CloudConfig(
        auth_url=f"{platform.emulator_url}/identity/v3",
        username=EMULATOR_ADMIN["username"],
        password=SecretStr(EMULATOR_ADMIN["password"]),
        project_name=EMULATOR_ADMIN["tenant_name"],
    )
    async with OpenStackClient(config, token_cache=MemoryTokenCache()) as cloud:
        yield cloud


def _quotas(journey: Journey) -> dict[str, Any]:
    """Every project's quotas in the cloud: what a push changes. (The whole inventory
    also moves by itself: other tests' resources settle and go in the background.)"""
    projects = journey.emulator.get("/_emulator/inventory").json()["projects"]
    return {project_id: project.get("quotas") for project_id, project in projects.items()}


def _admin_project(journey: Journey) -> dict[str, Any]:
    """What the cloud's admin project holds: where the write checks work. Without its
    `default` security group: Neutron makes that on a project's first network call, so
    the first write check may leave it, as it would on a real cloud."""
    projects = journey.emulator.get("/_emulator/inventory").json()["projects"]
    found: dict[str, Any] = next(p for p in projects.values() if p["name"] == "admin")
    defaults = {g["id"] for g in found["security_groups"] if g["name"] == "default"}
    found["security_groups"] = [g for g in found["security_groups"] if g["id"] not in defaults]
    found["security_group_rules"] = [
        r for r in found["security_group_rules"] if r["security_group_id"] not in defaults
    ]
    return found


def _records(journey: Journey, ordered: Ordered) -> tuple[Any, ...]:
    tenant = journey.staff.get(f"/api/openstack-tenants/{ordered.tenant['uuid']}/").json()
    resource = journey.staff.get(f"/api/marketplace-resources/{ordered.resource}/").json()
    return tenant["quotas"], resource["limits"]


async def test_drift_is_reported_and_pushed_and_a_dry_run_changes_nothing(
    journey: Journey, ordered: Ordered, admin_cloud: OpenStackClient
) -> None:
    tenant, project = ordered.tenant["uuid"], ordered.tenant["backend_id"]
    await admin_cloud.compute.set_quotas(project, cores=3)
    await admin_cloud.volume.set_quotas(project, gigabytes=100)

    report = stackyard(journey.platform, "quota-drift", "--tenant", tenant)
    assert report.returncode == 0, report.stderr
    assert "2 quota(s) drifted" in report.stdout
    assert "vcpu (limit cores): cloud 3, marketplace 16" in report.stdout
    assert "storage: cloud 102400 MiB, marketplace 512000 MiB" in report.stdout
    staff = journey.staff.get(f"/api/openstack-tenants/{tenant}/quota_drift/").json()
    assert {(d["quota"], d["cloud"], d["marketplace"]) for d in staff["differences"]} == {
        ("vcpu", 3, 16),
        ("storage", 102400, 512000),
    }
    outsider = journey.organisation("Not staff").owner
    assert outsider.get(f"/api/openstack-tenants/{tenant}/quota_drift/").status_code == 403
    listed = journey.staff.get(
        "/api/openstack-tenants/quota_drift/?only_drifted=true&page_size=300"
    )
    assert tenant in {item["tenant_uuid"] for item in listed.json()}

    cloud_before = _quotas(journey)
    records_before = _records(journey, ordered)
    # Every tenant of the session's platform: other tests' tenants may fail, ours not.
    dry = stackyard(journey.platform, "push-tenant-quotas", "--dry-run")
    assert f"operated ({tenant}): would push 2 quota(s)" in dry.stdout
    assert "tenant 1/" in dry.stdout
    assert _quotas(journey) == cloud_before
    assert _records(journey, ordered) == records_before

    pushed = stackyard(journey.platform, "push-tenant-quotas", "--tenant", tenant)
    assert pushed.returncode == 0, pushed.stderr
    assert f"tenant 1/1 operated ({tenant}): pushed 2 quota(s)" in pushed.stdout
    quotas = journey.inventory(project)["quotas"]  # type: ignore[index]
    assert (quotas["compute"]["cores"], quotas["volume"]["gigabytes"]) == (16, 500)
    again = stackyard(journey.platform, "quota-drift", "--tenant", tenant)
    assert "cloud quotas match the marketplace limits" in again.stdout


async def test_import_brings_the_cloud_limits_into_the_marketplace(
    journey: Journey, ordered: Ordered, admin_cloud: OpenStackClient
) -> None:
    tenant, project = ordered.tenant["uuid"], ordered.tenant["backend_id"]
    await admin_cloud.compute.set_quotas(project, cores=12)
    before = _records(journey, ordered)

    dry = stackyard(journey.platform, "import-tenant-quotas", "--tenant", tenant, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "marketplace limit cores: 16 -> 12" in dry.stdout
    assert _records(journey, ordered) == before

    done = stackyard(journey.platform, "import-tenant-quotas", "--tenant", tenant)
    assert done.returncode == 0, done.stderr
    assert "imported 1 marketplace limit(s)" in done.stdout
    quotas, limits = _records(journey, ordered)
    assert limits["cores"] == 12
    assert {q["name"]: q["limit"] for q in quotas}["vcpu"] == 12
    after = stackyard(journey.platform, "quota-drift", "--tenant", tenant)
    assert "cloud quotas match the marketplace limits" in after.stdout


def test_validation_passes_and_names_a_failing_service(journey: Journey, ordered: Ordered) -> None:
    offering = ordered.offering["uuid"]
    passed = stackyard(
        journey.platform, "validate-openstack-services", "--offering-uuid", offering, "--verbose"
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    for service in ("Keystone authentication", "Nova", "Neutron", "Cinder", "Glance"):
        assert f"✓ {service}" in passed.stdout
    assert "all 5 checks passed" in passed.stdout

    rule = {"service": "volume", "error_rate": 1.0, "status": 500}
    assert journey.emulator.post("/_emulator/faults", json=rule).status_code == 201
    try:
        failed = stackyard(
            journey.platform, "validate-openstack-services", "--offering-uuid", offering
        )
    finally:
        journey.emulator.delete("/_emulator/faults")
    assert failed.returncode == 1
    assert "✗ Cinder (volume)" in failed.stdout
    assert "✓ Nova (compute)" in failed.stdout
    assert "FAILED: Cinder (volume)" in failed.stdout
    assert "Traceback" not in failed.stderr

    unknown = stackyard(journey.platform, "validate-openstack-services", "--offering-uuid", "nope")
    assert unknown.returncode == 1
    assert "No offering 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_write_checks_leave_the_cloud_as_they_found_it(journey: Journey, ordered: Ordered) -> None:
    before = _admin_project(journey)
    run = stackyard(
        journey.platform,
        "validate-openstack-services",
        "--offering-uuid",
        ordered.offering["uuid"],
        "--test-writes",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for step in ("security group", "network", "volume", "server group", "floating IP", "instance"):
        assert f"✓ create {step}" in run.stdout
        assert f"✓ delete {step}" in run.stdout
    assert _admin_project(journey) == before


def test_write_checks_clean_up_after_a_failure_midway(journey: Journey, ordered: Ordered) -> None:
    before = _admin_project(journey)
    rule = {
        "service": "volume",
        "method": "POST",
        "path_regex": "/volumes$",
        "error_rate": 1.0,
        "status": 500,
    }
    assert journey.emulator.post("/_emulator/faults", json=rule).status_code == 201
    try:
        run = stackyard(
            journey.platform,
            "validate-openstack-services",
            "--offering-uuid",
            ordered.offering["uuid"],
            "--test-writes",
        )
    finally:
        journey.emulator.delete("/_emulator/faults")
    assert run.returncode == 1
    assert "✗ create volume" in run.stdout
    assert "create server group" not in run.stdout  # nothing more is made after a failure
    for made in ("subnet", "network", "security group"):
        assert f"✓ delete {made}" in run.stdout
    assert "FAILED: create volume" in run.stdout
    assert _admin_project(journey) == before


async def test_leftover_projects_are_dropped_with_their_users_and_nothing_else(
    journey: Journey, ordered: Ordered, admin_cloud: OpenStackClient
) -> None:
    identity = admin_cloud.identity
    domain = (await identity.get_project(ordered.tenant["backend_id"])).domain_id or "default"
    gone_tenant = uuid.uuid4()
    name = f"gone-{gone_tenant.hex[:8]}"
    leftover = await identity.create_project(
        name, domain_id=domain, description=f"Stackyard tenant {gone_tenant}"
    )
    users = [
        await identity.create_user(f"{name}{suffix}", SecretStr("x"), domain_id=domain)
        for suffix in ("-admin", "-user")
    ]
    foreign = await identity.create_project(f"foreign-{uuid.uuid4().hex[:6]}", domain_id=domain)
    try:
        offering = ordered.offering["name"]
        dry = stackyard(
            journey.platform,
            "drop-leftover-openstack-projects",
            "--offering",
            offering,
            "--dry-run",
        )
        assert dry.returncode == 0, dry.stderr
        assert f"{name} ({leftover.id}) of tenant {gone_tenant}: would drop" in dry.stdout
        assert f"{name}-admin, {name}-user" in dry.stdout
        assert ordered.tenant["backend_id"] not in dry.stdout
        assert foreign.id not in dry.stdout
        await identity.get_project(leftover.id)  # still there

        dropped = stackyard(
            journey.platform, "drop-leftover-openstack-projects", "--offering", offering
        )
        assert dropped.returncode == 0, dropped.stderr
        # The session's other tests may have left projects of their own: ours is named.
        assert f"{name} ({leftover.id}) of tenant {gone_tenant}: dropped" in dropped.stdout
        projects = {project.id for project in await identity.list_projects()}
        assert leftover.id not in projects
        assert {foreign.id, ordered.tenant["backend_id"]} <= projects
        names = {user.name for user in await identity.list_users()}
        assert not {user.name for user in users} & names
        again = stackyard(
            journey.platform, "drop-leftover-openstack-projects", "--offering", offering
        )
        assert "no leftover projects" in again.stdout
    finally:
        await identity.delete_project(foreign.id)
