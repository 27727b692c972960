"""Identity's operator endpoints in-process, against the emulated cloud, with the
marketplace answered by a mock: drift found and pushed (or only reported on a dry run),
unchecked tenants and their reasons, an import's writes on both sides, leftover
projects found and dropped, and the staff report's permissions."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from stackyard_common.auth import issue_service_token
from stackyard_common.openstack import OpenStackClient

from .tenant_cloud import TenantCloud

LIMITS = {"cores": 8, "ram": 16384, "storage": 204800}  # as `order_tenant` orders


@dataclass
class Marketplace:
    """The marketplace's internal API, as a mock: resources by uuid, PUTs recorded."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    imports: list[dict[str, Any]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        resource = request.url.path.split("/")[3]
        if resource not in self.resources:
            return httpx.Response(404, json={"detail": "No such resource."})
        if request.method == "PUT":
            body = json.loads(request.content)
            self.imports.append(body)
            return httpx.Response(200, json={"changed": {"cores": [8, body["limits"]["cores"]]}})
        return httpx.Response(200, json=self.resources[resource])


@dataclass
class Api:
    client: httpx.AsyncClient
    marketplace: Marketplace
    headers: dict[str, str]

    async def drift(self, tenant: uuid.UUID) -> dict[str, Any]:
        path = f"/internal/operators/tenants/{tenant}/quota-drift"
        response = await self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def post(self, path: str, **body: Any) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


@pytest.fixture
async def api(identity: Any, tenant_cloud: TenantCloud) -> AsyncIterator[Api]:
    state = identity.app.state
    marketplace = Marketplace()
    saved = state.tenant_runtime
    state.tenant_runtime = tenant_cloud.runtime
    state.marketplace_transport = httpx.MockTransport(marketplace.handle)
    token = issue_service_token(identity.settings, "operator")
    try:
        yield Api(identity.client, marketplace, {"Authorization": f"Bearer {token}"})
    finally:
        state.tenant_runtime = saved
        del state.marketplace_transport


async def _tenant(tenant_cloud: TenantCloud, api: Api, name: str) -> Any:
    resource, _ = await tenant_cloud.order_tenant(name)

    async def settled() -> bool:
        tenant = await tenant_cloud.tenant_of(resource)
        return tenant is not None and tenant.state == "OK"

    await tenant_cloud.run_until(settled)
    api.marketplace.resources[resource] = {"state": "OK", "limits": dict(LIMITS)}
    return await tenant_cloud.tenant_of(resource)


async def test_drift_is_pushed_and_a_dry_run_changes_nothing(
    api: Api, tenant_cloud: TenantCloud
) -> None:
    tenant = await _tenant(tenant_cloud, api, "drifting")
    assert (await api.drift(tenant.uuid))["differences"] == []
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    await cloud.compute.set_quotas(tenant.backend_id, cores=2, instances=5)

    drift = await api.drift(tenant.uuid)
    # `instances` is no marketplace limit: the cloud may hold what it likes there.
    assert [(d["quota"], d["cloud"], d["marketplace"]) for d in drift["differences"]] == [
        ("vcpu", 2, 8)
    ]
    path = f"/internal/operators/tenants/{tenant.uuid}/push-quotas"
    dry = await api.post(path, dry_run=True)
    assert dry["pushed"] is False
    assert (await tenant_cloud.inventory(tenant.backend_id))["quotas"]["compute"]["cores"] == 2  # type: ignore[index]
    pushed = await api.post(path)
    assert pushed["pushed"] is True
    quotas = (await tenant_cloud.inventory(tenant.backend_id))["quotas"]["compute"]  # type: ignore[index]
    assert (quotas["cores"], quotas["instances"]) == (8, 5)
    assert (await api.drift(tenant.uuid))["differences"] == []
    updated = (await tenant_cloud.events(tenant))[-1]
    assert updated["type"] == "tenant.updated.v1"
    assert updated["payload"]["quotas_pushed"] == {"vcpu": [2, 8]}


async def test_tenants_that_cannot_be_compared_say_why(api: Api, tenant_cloud: TenantCloud) -> None:
    tenant = await _tenant(tenant_cloud, api, "unchecked")
    del api.marketplace.resources[str(tenant.marketplace_resource_uuid)]
    drift = await api.drift(tenant.uuid)
    assert (drift["checked"], drift["reason"]) == (
        False,
        f"its marketplace resource {tenant.marketplace_resource_uuid} is gone",
    )
    api.marketplace.resources[str(tenant.marketplace_resource_uuid)] = {
        "state": "Terminated",
        "limits": LIMITS,
    }
    assert (await api.drift(tenant.uuid))["checked"] is False
    missing = await api.client.get(
        f"/internal/operators/tenants/{uuid.uuid4()}/quota-drift", headers=api.headers
    )
    assert missing.status_code == 404


async def test_import_writes_the_tenant_and_asks_the_marketplace(
    api: Api, tenant_cloud: TenantCloud
) -> None:
    tenant = await _tenant(tenant_cloud, api, "importing")
    cloud = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    await cloud.compute.set_quotas(tenant.backend_id, cores=5)
    path = f"/internal/operators/tenants/{tenant.uuid}/import-quotas"

    dry = await api.post(path, dry_run=True)
    assert dry["quotas"]["vcpu"] == [8, 5]
    assert api.marketplace.imports[-1]["dry_run"] is True
    assert api.marketplace.imports[-1]["limits"]["cores"] == 5
    assert (await tenant_cloud.tenant_of(str(tenant.marketplace_resource_uuid))).quotas["vcpu"] == 8  # type: ignore[union-attr]

    done = await api.post(path)
    assert done["imported"] is True
    assert api.marketplace.imports[-1]["dry_run"] is False
    after = await tenant_cloud.tenant_of(str(tenant.marketplace_resource_uuid))
    assert after is not None
    assert after.quotas["vcpu"] == 5
    assert after.usage["security_group_count"] >= 1


async def test_leftover_projects_are_found_and_dropped(api: Api, tenant_cloud: TenantCloud) -> None:
    kept = await _tenant(tenant_cloud, api, "kept")
    cloud: OpenStackClient = await tenant_cloud.runtime.clouds.client(tenant_cloud.connection.uuid)
    name = f"orphan-{uuid.uuid4().hex[:6]}"
    orphan = await cloud.identity.create_project(
        name, description=f"Stackyard tenant {uuid.uuid4()}"
    )
    user = await cloud.identity.create_user(f"{name}-user", SecretStr("pw"))
    base = f"/internal/operators/cloud-connections/{tenant_cloud.connection.uuid}/leftover-projects"

    # Other tests' unlinked tenants may have left projects too: ours are looked up.
    listed = {p["project_id"]: p for p in (await api.client.get(base, headers=api.headers)).json()}
    assert listed[orphan.id]["users"] == {f"{name}-user": user.id}
    assert kept.backend_id not in listed
    dry = {p["project_id"]: p for p in await api.post(f"{base}/drop", dry_run=True)}
    assert dry[orphan.id]["dropped"] is False
    assert await tenant_cloud.inventory(orphan.id) is not None
    dropped = {p["project_id"]: p for p in await api.post(f"{base}/drop")}
    assert dropped[orphan.id]["dropped"] is True
    assert await tenant_cloud.inventory(orphan.id) is None
    assert await cloud.identity.find_user(f"{name}-user") is None
    assert await tenant_cloud.inventory(kept.backend_id) is not None


async def test_the_staff_report_is_for_staff(identity: Any, api: Api) -> None:
    for role, status in (("owner", 403), ("anonymous", 401)):
        response = await identity.client.get(
            "/api/openstack-tenants/quota_drift/", headers=identity.headers(role)
        )
        assert response.status_code == status
    report = await identity.client.get(
        "/api/openstack-tenants/quota_drift/?page_size=300", headers=identity.headers("staff")
    )
    assert report.status_code == 200
    assert all("differences" in item for item in report.json())
