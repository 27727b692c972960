"""What each role sees in lists and in the audit log, and how role changes reach the
memberships projection (expiry, revocation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

CUSTOMER_ROLES = ("owner", "customer_manager")
PROJECT_ROLES = ("project_admin", "project_manager", "project_member")


async def _uuids(identity: Any, role: str, path: str) -> set[str]:
    response = await identity.client.get(path, headers=identity.headers(role))
    assert response.status_code == 200, response.text
    return {item["uuid"] for item in response.json()}


async def test_lists_hold_what_each_role_may_see(identity: Any) -> None:
    scenario = await identity.scenario()
    customer = str(scenario.customer.uuid)
    project, other = str(scenario.project.uuid), str(scenario.other_project.uuid)
    query = f"?customer={customer}&page_size=300"
    for role in ("support", "staff", *CUSTOMER_ROLES):
        assert await _uuids(identity, role, f"/api/projects/{query}") == {project, other}
    for role in PROJECT_ROLES:
        assert await _uuids(identity, role, f"/api/projects/{query}") == {project}
        assert customer in await _uuids(identity, role, "/api/customers/?page_size=300")
    assert await _uuids(identity, "plain", f"/api/projects/{query}") == set()
    assert customer not in await _uuids(identity, "plain", "/api/customers/?page_size=300")
    connections = await _uuids(identity, "plain", "/api/service-settings/?page_size=300")
    assert str(scenario.shared_connection.uuid) in connections
    assert str(scenario.private_connection.uuid) not in connections
    assert await _uuids(identity, "plain", "/api/users/?page_size=300") == {
        str(identity.people["plain"].uuid)
    }
    colleagues = await _uuids(identity, "project_member", "/api/users/?page_size=300")
    assert str(scenario.subject.uuid) in colleagues
    assert str(scenario.spare.uuid) not in colleagues


async def test_audit_log_records_changes_and_follows_visibility(identity: Any) -> None:
    scenario = await identity.scenario()
    project = str(scenario.project.uuid)
    changed = await identity.client.patch(
        f"/api/projects/{project}/",
        json={"description": "audited"},
        headers=identity.headers("project_manager"),
    )
    assert changed.status_code == 200
    manager = identity.people["project_manager"]
    path = f"/api/events/?resource_uuid={project}&event_type=project.updated.v1"
    for role in ("project_member", "owner", "support", "staff"):
        response = await identity.client.get(path, headers=identity.headers(role))
        [entry] = response.json()
        assert entry["user_uuid"] == str(manager.uuid)
        assert entry["user_username"] == manager.username
        assert entry["customer_uuid"] == str(scenario.customer.uuid)
        assert entry["project_uuid"] == project
        assert entry["result"] == "succeeded"
    plain = await identity.client.get(path, headers=identity.headers("plain"))
    assert plain.json() == []
    other_project = await identity.client.get(
        f"/api/events/?project={scenario.other_project.uuid}",
        headers=identity.headers("project_member"),
    )
    assert other_project.json() == []
    by_user = await identity.client.get(
        f"/api/events/?user={manager.uuid}&project={project}", headers=identity.headers("staff")
    )
    assert {entry["event_type"] for entry in by_user.json()} == {"project.updated.v1"}
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    later = await identity.client.get(
        f"/api/events/?project={project}&created_from={future}", headers=identity.headers("staff")
    )
    assert later.json() == []


async def test_expired_and_revoked_roles_stop_counting(identity: Any) -> None:
    scenario = await identity.scenario()
    customer = scenario.customer.uuid
    staff = identity.headers("staff")
    token = {"Authorization": f"Bearer {identity.token(scenario.spare)}"}
    assert (
        await identity.client.get(f"/api/customers/{customer}/", headers=token)
    ).status_code == 404
    added = await identity.client.post(
        f"/api/customers/{customer}/add_user/",
        json={"user": str(scenario.spare.uuid), "role": "CUSTOMER.OWNER"},
        headers=staff,
    )
    assert added.status_code == 201
    assert (
        await identity.client.get(f"/api/customers/{customer}/", headers=token)
    ).status_code == 200
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    expired = await identity.client.post(
        f"/api/customers/{customer}/update_user/",
        json={"user": str(scenario.spare.uuid), "role": "CUSTOMER.OWNER", "expiration_time": past},
        headers=staff,
    )
    assert expired.status_code == 200
    assert (
        await identity.client.get(f"/api/customers/{customer}/", headers=token)
    ).status_code == 404
    listed = await identity.client.get(f"/api/customers/{customer}/list_users/", headers=staff)
    assert str(scenario.spare.uuid) in {grant["user_uuid"] for grant in listed.json()}
    revoked = await identity.client.post(
        f"/api/customers/{customer}/delete_user/",
        json={"user": str(scenario.spare.uuid), "role": "CUSTOMER.OWNER"},
        headers=staff,
    )
    assert revoked.status_code == 204
    again = await identity.client.post(
        f"/api/customers/{customer}/delete_user/",
        json={"user": str(scenario.spare.uuid), "role": "CUSTOMER.OWNER"},
        headers=staff,
    )
    assert again.status_code == 400


async def test_deleting_an_empty_organisation_revokes_its_roles(identity: Any) -> None:
    staff = identity.headers("staff")
    created = await identity.client.post(
        "/api/customers/", json={"name": "Short-lived"}, headers=staff
    )
    customer = created.json()["uuid"]
    owner = identity.people["plain"]
    await identity.client.post(
        f"/api/customers/{customer}/add_user/",
        json={"user": str(owner.uuid), "role": "CUSTOMER.OWNER"},
        headers=staff,
    )
    seen = await identity.client.get(
        f"/api/customers/{customer}/", headers=identity.headers("plain")
    )
    assert seen.status_code == 200
    deleted = await identity.client.delete(f"/api/customers/{customer}/", headers=staff)
    assert deleted.status_code == 204
    events = await identity.client.get(
        f"/api/events/?customer={customer}&page_size=300", headers=staff
    )
    types = [entry["event_type"] for entry in events.json()]
    assert types[:2] == ["customer.deleted.v1", "role.revoked.v1"]
    listed = await _uuids(identity, "plain", "/api/customers/?page_size=300")
    assert customer not in listed
