"""`/api/openstack-tenants/`: who sees and does what, staff's direct tenants, quotas,
pulls, forced states, unlinking, and the tenant user's password shown only as allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from stackyard_identity.tenants.settings import OpenStackSettings

from .tenant_cloud import TenantCloud

TENANTS = "/api/openstack-tenants/"


@pytest.fixture
async def api(identity: Any, tenant_cloud: TenantCloud) -> AsyncIterator[Any]:
    """Identity's API with the emulated cloud's runtime (restored afterwards)."""
    state = identity.app.state
    saved = state.tenant_runtime
    state.tenant_runtime = tenant_cloud.runtime
    try:
        yield identity
    finally:
        state.tenant_runtime = saved


async def _settled(cloud: TenantCloud, api: Any, tenant: str) -> dict[str, Any]:
    staff = api.headers("staff")
    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update((await api.client.get(f"{TENANTS}{tenant}/", headers=staff)).json())
        progress = seen.get("progress") or {}
        return progress.get("state") in ("succeeded", "compensated", "failed")

    await cloud.run_until(done)
    # Read again once the run has ended: a read that raced the run's last commit may
    # hold the tenant from before it beside the progress from after it.
    final: dict[str, Any] = (await api.client.get(f"{TENANTS}{tenant}/", headers=staff)).json()
    return final


async def _direct(api: Any, cloud: TenantCloud, in_project: str, **fields: Any) -> Any:
    body = {
        "name": "direct",
        "service_settings": str(cloud.connection.uuid),
        "project": in_project,
        "subnet_cidr": "172.16.5.0/24",
        "quotas": {"vcpu": 6, "instances": 3},
        **fields,
    }
    return await api.client.post(TENANTS, headers=api.headers("staff"), json=body)


async def test_staff_make_tenants_directly_and_bad_input_is_refused(
    api: Any, tenant_cloud: TenantCloud
) -> None:
    scenario = await api.scenario()
    project = str(scenario.project.uuid)
    owner_try = await api.client.post(
        TENANTS,
        headers=api.headers("owner"),
        json={"name": "x", "service_settings": "y", "project": project},
    )
    assert owner_try.status_code == 403
    for fields, field in (
        ({"subnet_cidr": "100.64.0.0/24"}, "subnet_cidr"),
        ({"external_network_id": "nowhere"}, "external_network_id"),
        ({"project": "00000000-0000-0000-0000-000000000000"}, "project"),
        ({"service_settings": "00000000-0000-0000-0000-000000000000"}, "service_settings"),
    ):
        refused = await _direct(api, tenant_cloud, project, **fields)
        assert refused.status_code == 400, refused.text
        assert field in refused.json(), refused.json()
    made = await _direct(api, tenant_cloud, project)
    assert made.status_code == 202, made.text
    assert made.json()["state"] == "CREATION_SCHEDULED"
    assert made.json()["progress"]["text"] == "step 1 of 9: mark-creating (running)"
    tenant = await _settled(tenant_cloud, api, made.json()["uuid"])
    assert tenant["state"] == "OK"
    limits = {q["name"]: q["limit"] for q in tenant["quotas"]}
    assert (limits["vcpu"], limits["instances"], limits["ram"]) == (6, 3, 51200)
    assert tenant["marketplace_resource_uuid"] is None


async def test_who_sees_tenants_and_their_credentials(api: Any, tenant_cloud: TenantCloud) -> None:
    scenario = await api.scenario()
    made = await _direct(api, tenant_cloud, str(scenario.project.uuid))
    tenant = await _settled(tenant_cloud, api, made.json()["uuid"])
    url = f"{TENANTS}{tenant['uuid']}/"
    assert tenant["user_password"]  # staff always
    for role in ("owner", "project_member", "support"):
        seen = await api.client.get(url, headers=api.headers(role))
        assert seen.status_code == 200, role
        assert seen.json()["user_password"] is None, role
    assert (await api.client.get(url, headers=api.headers("plain"))).status_code == 404
    listed = await api.client.get(
        f"{TENANTS}?project_uuid={scenario.project.uuid}", headers=api.headers("project_member")
    )
    assert [t["uuid"] for t in listed.json()] == [tenant["uuid"]]
    runtime = tenant_cloud.runtime
    saved = runtime.openstack
    runtime.openstack = OpenStackSettings(tenant_credentials_visible=True)
    try:
        shown = await api.client.get(url, headers=api.headers("project_member"))
    finally:
        runtime.openstack = saved
    assert shown.json()["user_password"] == tenant["user_password"]


async def test_quotas_pulls_and_forced_states(api: Any, tenant_cloud: TenantCloud) -> None:
    scenario = await api.scenario()
    made = await _direct(api, tenant_cloud, str(scenario.project.uuid))
    tenant = await _settled(tenant_cloud, api, made.json()["uuid"])
    url, staff, owner = f"{TENANTS}{tenant['uuid']}", api.headers("staff"), api.headers("owner")
    assert (
        await api.client.post(f"{url}/set_quotas/", headers=owner, json={"vcpu": 1})
    ).status_code == 403
    accepted = await api.client.post(
        f"{url}/set_quotas/", headers=staff, json={"vcpu": 9, "storage": 10240}
    )
    assert accepted.status_code == 202
    busy = await api.client.post(f"{url}/set_quotas/", headers=staff, json={"vcpu": 10})
    assert busy.status_code == 409
    tenant = await _settled(tenant_cloud, api, tenant["uuid"])
    inventory = await tenant_cloud.inventory(tenant["backend_id"])
    assert inventory is not None
    assert inventory["quotas"]["compute"]["cores"] == 9
    assert inventory["quotas"]["volume"]["gigabytes"] == 10

    assert (await api.client.post(f"{url}/pull/", headers=owner)).status_code == 202
    tenant = await _settled(tenant_cloud, api, tenant["uuid"])
    quotas = await api.client.get(f"{url}/quotas/", headers=api.headers("project_member"))
    by_name = {q["name"]: q for q in quotas.json()}
    assert (by_name["vcpu"]["limit"], by_name["vcpu"]["usage"]) == (9, 0)
    assert (by_name["storage"]["limit"], by_name["network_count"]["usage"]) == (10240, 1)
    assert by_name["security_group_count"]["usage"] == 5
    for action in ("pull_flavors", "pull_images", "pull_volume_types"):
        assert (await api.client.post(f"{url}/{action}/", headers=owner)).status_code == 202
        await _settled(tenant_cloud, api, tenant["uuid"])

    member = api.headers("project_member")
    assert (await api.client.post(f"{url}/set_erred/", headers=member)).status_code == 403
    erred = await api.client.post(f"{url}/set_erred/", headers=staff, json={"error_message": "why"})
    assert erred.status_code == 200
    seen = (await api.client.get(f"{url}/", headers=staff)).json()
    assert (seen["state"], seen["error_message"]) == ("ERRED", "why")
    assert (
        await api.client.post(f"{url}/set_quotas/", headers=staff, json={"vcpu": 2})
    ).status_code == 409
    assert (await api.client.post(f"{url}/set_ok/", headers=staff)).status_code == 200
    renamed = await api.client.patch(f"{url}/", headers=owner, json={"description": "ours"})
    assert renamed.json()["description"] == "ours"
    assert (
        await api.client.patch(f"{url}/", headers=member, json={"name": "x"})
    ).status_code == 403

    backend_id = seen["backend_id"]
    assert (await api.client.post(f"{url}/unlink/", headers=owner)).status_code == 403
    assert (await api.client.post(f"{url}/unlink/", headers=staff)).status_code == 204
    assert (await api.client.get(f"{url}/", headers=staff)).status_code == 404
    assert await tenant_cloud.inventory(backend_id) is not None  # the cloud keeps it


async def test_staff_delete_a_tenant_and_its_cloud_project(
    api: Any, tenant_cloud: TenantCloud
) -> None:
    scenario = await api.scenario()
    made = await _direct(api, tenant_cloud, str(scenario.project.uuid))
    tenant = await _settled(tenant_cloud, api, made.json()["uuid"])
    url = f"{TENANTS}{tenant['uuid']}/"
    assert (await api.client.delete(url, headers=api.headers("owner"))).status_code == 403
    assert (await api.client.delete(url, headers=api.headers("staff"))).status_code == 202
    assert (await api.client.delete(url, headers=api.headers("staff"))).status_code == 409

    async def gone() -> bool:
        return (await api.client.get(url, headers=api.headers("staff"))).status_code == 404

    await tenant_cloud.run_until(gone)
    assert await tenant_cloud.inventory(tenant["backend_id"]) is None
