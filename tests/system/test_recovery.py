"""Records and clouds kept in agreement, through the running platform and its emulator,
with the scheduled tasks run now as an operator runs them (`stackyard tasks run ...`):

- a server and a volume made directly in the tenant's cloud project, behind the
  platform's back, become records and marketplace resources after one recovery run, and
  the event log says so; a second run imports nothing;
- the same server and volume deleted directly in the cloud are marked missing (ERRED,
  `backend_missing_since`) by the next pull, not deleted, and their marketplace
  resources follow.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from stackyard_common.openstack import CloudConfig, MemoryTokenCache, OpenStackClient
from stackyard_common.testing.platform import RunningPlatform
from stackyard_compute.instances.pull import SETTLING

from .instances import INSTANCES, VOLUMES, TenantUnderTest, provisioned_tenant
from .journey import EMULATOR_ADMIN, Journey, stackyard, wait_for

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def tenant(platform: RunningPlatform) -> TenantUnderTest:
    return provisioned_tenant(Journey.start(platform), "Recovery", "192.168.93.0/24")


def _config(platform: RunningPlatform, **scope: str) -> CloudConfig:
    return CloudConfig(
        auth_url=f"{platform.emulator_url}/identity/v3",
        username=EMULATOR_ADMIN["username"],
        password=SecretStr(EMULATOR_ADMIN["password"]),
        **scope,
    )


@pytest.fixture
async def tenant_cloud(
    platform: RunningPlatform, tenant: TenantUnderTest
) -> AsyncIterator[OpenStackClient]:
    """The emulator's admin working inside the tenant's project, as someone with the
    cloud's own tools would, behind the platform's back."""
    project = tenant.tenant["backend_id"]
    async with OpenStackClient(
        _config(platform, project_name=EMULATOR_ADMIN["tenant_name"]),
        token_cache=MemoryTokenCache(),
    ) as admin:
        user = await admin.identity.find_user(EMULATOR_ADMIN["username"])
        role = await admin.identity.find_role("admin")
        assert user is not None
        assert role is not None
        await admin.identity.grant_project_role(project, user.id, role.id)
    async with OpenStackClient(
        _config(platform, project_id=project), token_cache=MemoryTokenCache()
    ) as cloud:
        yield cloud


def _task(platform: RunningPlatform, name: str, tenant_uuid: str) -> dict[str, Any]:
    """Run the periodic task `name` now; its summary, which `tenant_uuid` passed."""
    run = stackyard(platform, "tasks", "run", name, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    summary: dict[str, Any] = json.loads(run.stdout[run.stdout.index("{") :])
    # Other tests' tenants share the platform (some only in the projections): ours counts.
    assert tenant_uuid not in summary["failures"], summary["failures"][tenant_uuid]
    return summary


def _one(tenant: TenantUnderTest, path: str, name: str) -> dict[str, Any] | None:
    found = tenant.owner.get(f"{path}?tenant_uuid={tenant.uuid}&name={name}").json()
    assert len(found) <= 1, found
    return found[0] if found else None


def _marketplace_resource(tenant: TenantUnderTest, uuid: str, state: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        response = tenant.owner.get(f"/api/marketplace-resources/{uuid}/")
        if response.status_code != 200:
            return None
        found: dict[str, Any] = response.json()
        return found if found["state"] == state else None

    return wait_for(f"marketplace resource {uuid} to be {state}", probe, timeout=30)


async def test_lost_resources_are_recovered_and_vanished_ones_marked(
    platform: RunningPlatform, tenant: TenantUnderTest, tenant_cloud: OpenStackClient
) -> None:
    journey = tenant.journey
    [internal] = await tenant_cloud.network.list_networks(
        project_id=tenant.tenant["backend_id"], is_external=False
    )
    flavor = next(f for f in await tenant_cloud.compute.list_flavors() if f.name == "m1.small")
    image = next(
        i for i in await tenant_cloud.image.list_images() if (i.name or "").startswith("cirros")
    )
    server = await tenant_cloud.compute.create_server(
        "stray-vm", flavor.id, image_id=image.id, networks=[{"uuid": internal.id}]
    )
    volume = await tenant_cloud.volume.create_volume(size=1, name="stray-data")
    await tenant_cloud.compute.wait_for_server(server.id, "ACTIVE", timeout=60, interval=0.5)
    await tenant_cloud.volume.wait_for_volume(volume.id, "available", timeout=60, interval=0.5)
    assert _one(tenant, INSTANCES, "stray-vm") is None
    assert _one(tenant, VOLUMES, "stray-data") is None

    assert _task(platform, "recover-lost-instances", tenant.uuid)["imported"] >= 1
    assert _task(platform, "recover-lost-volumes", tenant.uuid)["imported"] >= 1
    instance = _one(tenant, INSTANCES, "stray-vm")
    data = _one(tenant, VOLUMES, "stray-data")
    assert instance is not None
    assert data is not None
    assert (instance["backend_id"], instance["state"]) == (server.id, "OK")
    assert (instance["flavor_name"], instance["runtime_state"]) == ("m1.small", "ACTIVE")
    assert (data["backend_id"], data["state"], data["size"]) == (volume.id, "OK", 1024)
    offerings = {
        o["type"]: o["uuid"]
        for o in tenant.owner.get(
            f"/api/marketplace-public-offerings/?scope_uuid={tenant.uuid}"
        ).json()
    }
    for record, kind in ((instance, "OpenStack.Instance"), (data, "OpenStack.Volume")):
        resource = _marketplace_resource(tenant, record["marketplace_resource_uuid"], "OK")
        assert (resource["resource_type"], resource["offering_uuid"]) == (kind, offerings[kind])
        assert resource["backend_id"] == record["backend_id"]

    def logged() -> list[str] | None:
        events = journey.staff.get(
            "/api/events/", params={"resource_uuid": instance["uuid"], "page_size": 50}
        ).json()
        messages = [event["message"] for event in events]
        return messages if any("without a record" in m for m in messages) else None

    assert wait_for("the import in the event log", logged, timeout=30)

    # Once recovered, nothing more is lost.
    assert _task(platform, "recover-lost-instances", tenant.uuid)["imported"] == 0
    assert _task(platform, "recover-lost-volumes", tenant.uuid)["imported"] == 0

    await tenant_cloud.compute.delete_server(server.id)
    await tenant_cloud.compute.wait_for_server_delete(server.id, timeout=60, interval=0.5)
    await tenant_cloud.volume.delete_volume(volume.id)
    await tenant_cloud.volume.wait_for_volume_delete(volume.id, timeout=60, interval=0.5)

    # A record changed in the last minute may be a creation the listing predates: pulls
    # leave those for the next run (compute's `SETTLING`). Wait until these are older.
    newest = max(
        datetime.fromisoformat(tenant.owner.get(f"{path}{record['uuid']}/").json()["modified"])
        for path, record in ((INSTANCES, instance), (VOLUMES, data))
    )
    time.sleep(max(0.0, (newest + SETTLING - datetime.now(UTC)).total_seconds() + 1))
    assert _task(platform, "pull-instances", tenant.uuid)["missing"] >= 1
    assert _task(platform, "pull-volumes", tenant.uuid)["volumes"]["missing"] >= 1
    for path, record in ((INSTANCES, instance), (VOLUMES, data)):
        marked = tenant.owner.get(f"{path}{record['uuid']}/").json()
        assert marked["state"] == "ERRED"
        assert marked["backend_missing_since"] is not None
        assert "gone" in marked["error_message"] or "missing" in marked["error_message"]
        _marketplace_resource(tenant, record["marketplace_resource_uuid"], "Erred")
