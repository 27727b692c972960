"""Keystone: token issue, scopes, validation, revocation, and the identity CRUD API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from openstack import exceptions

from .conftest import Running, Tenant, raw_token


def test_project_scoped_token_has_catalog_with_three_interfaces(emulator: Running) -> None:
    token, body = raw_token(emulator)
    assert token
    data = body["token"]
    assert data["project"]["name"] == "admin"
    assert {r["name"] for r in data["roles"]} == {"admin", "member", "reader"}
    expires = datetime.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert expires > datetime.now(UTC)
    types = {entry["type"]: entry for entry in data["catalog"]}
    assert {"identity", "compute", "network", "block-storage", "image"} <= set(types)
    for entry in types.values():
        interfaces = {e["interface"] for e in entry["endpoints"]}
        assert interfaces == {"public", "internal", "admin"}
        assert {e["region_id"] for e in entry["endpoints"]} == {"RegionOne"}
    volume_url = types["block-storage"]["endpoints"][0]["url"]
    assert volume_url.endswith(f"/volume/v3/{data['project']['id']}")


def test_domain_scoped_and_unscoped_tokens(emulator: Running) -> None:
    auth: dict[str, Any] = {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": "admin", "domain": {"id": "default"}, "password": "secret"}
            },
        },
        "scope": {"domain": {"name": "Default"}},
    }
    response = httpx.post(f"{emulator.auth_url}/v3/auth/tokens", json={"auth": auth})
    assert response.status_code == 201
    assert response.json()["token"]["domain"]["id"] == "default"
    assert "project" not in response.json()["token"]
    _, defaulted = raw_token(emulator, project=None)
    # An unscoped request falls back to the user's default project, as Keystone does.
    assert defaulted["token"]["project"]["name"] == "admin"


def test_unscoped_token_without_default_project(emulator: Running, admin: Any) -> None:
    admin.identity.create_user(name="loner", password="pw", domain_id="default")
    _, body = raw_token(emulator, "loner", "pw", project=None)
    token = body["token"]
    assert token["user"]["name"] == "loner"
    assert "project" not in token
    assert "catalog" not in token
    assert "roles" not in token


def test_wrong_password_is_401_in_keystone_shape(emulator: Running) -> None:
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": "admin", "domain": {"name": "Default"}, "password": "nope"}
            },
        }
    }
    response = httpx.post(f"{emulator.auth_url}/v3/auth/tokens", json={"auth": auth})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 401


def test_validate_and_revoke_token(emulator: Running) -> None:
    admin_token, _ = raw_token(emulator)
    subject, _ = raw_token(emulator)
    headers = {"X-Auth-Token": admin_token, "X-Subject-Token": subject}
    check = httpx.get(f"{emulator.auth_url}/v3/auth/tokens", headers=headers)
    assert check.status_code == 200
    assert check.headers["X-Subject-Token"] == subject
    assert httpx.head(f"{emulator.auth_url}/v3/auth/tokens", headers=headers).status_code == 200
    assert httpx.delete(f"{emulator.auth_url}/v3/auth/tokens", headers=headers).status_code == 204
    assert httpx.get(f"{emulator.auth_url}/v3/auth/tokens", headers=headers).status_code == 404
    revoked = httpx.get(f"{emulator.url}/compute/v2.1/servers", headers={"X-Auth-Token": subject})
    assert revoked.status_code == 401


def test_identity_crud_and_role_assignments(admin: Any) -> None:
    domain = admin.identity.create_domain(name="dom-crud", description="d")
    project = admin.identity.create_project(name="p-crud", domain_id=domain.id)
    user = admin.identity.create_user(name="u-crud", password="pw", domain_id=domain.id)
    role = admin.identity.create_role(name="role-crud")
    admin.identity.assign_project_role_to_user(project, user, role)
    assert admin.identity.validate_user_has_project_role(project, user, role)
    listed = list(admin.identity.role_assignments(user_id=user.id))
    assert [(a.role["id"], a.scope["project"]["id"]) for a in listed] == [(role.id, project.id)]
    admin.identity.unassign_project_role_from_user(project, user, role)
    assert not admin.identity.validate_user_has_project_role(project, user, role)
    assert admin.identity.find_project("p-crud", domain_id=domain.id).id == project.id
    admin.identity.update_project(project, description="changed")
    assert admin.identity.get_project(project.id).description == "changed"
    admin.identity.delete_user(user)
    admin.identity.delete_project(project)
    admin.identity.delete_role(role)
    with pytest.raises(exceptions.ForbiddenException):
        admin.identity.delete_domain(domain)  # enabled domains cannot be deleted
    admin.identity.update_domain(domain, is_enabled=False)
    admin.identity.delete_domain(domain)
    with pytest.raises(exceptions.NotFoundException):
        admin.identity.get_domain(domain.id)


def test_services_and_endpoints(admin: Any) -> None:
    service = admin.identity.create_service(name="extra", type="object-store")
    endpoint = admin.identity.create_endpoint(
        service_id=service.id,
        interface="public",
        url="http://example.invalid/swift",
        region_id="RegionOne",
    )
    assert endpoint.id in {e.id for e in admin.identity.endpoints(service_id=service.id)}
    admin.identity.delete_service(service)
    assert admin.identity.find_service("extra") is None


def test_member_cannot_list_projects(tenant: Tenant) -> None:
    with pytest.raises(exceptions.ForbiddenException):
        list(tenant.conn.identity.projects())
    assert tenant.conn.identity.get_user(tenant.user_id).name == tenant.username
