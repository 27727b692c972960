"""Every identity endpoint against every role: the expected status of each pair.

Columns, in order: anonymous, plain user (no role), organisation owner, organisation
manager, project admin, project manager, project member, support, staff. The roles are
held in a fresh organisation and project (see the `Scenario` of conftest); reads share
one scenario, every write gets its own so that cases never see each other's effects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

ROLES = (
    "anonymous",
    "plain",
    "owner",
    "customer_manager",
    "project_admin",
    "project_manager",
    "project_member",
    "support",
    "staff",
)

Body = Callable[[Any, Any], dict[str, Any]] | None


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # formatted with the scenario's attributes
    statuses: str  # one status per role, in ROLES order
    body: Body = None
    writes: bool = True


def _future() -> str:
    return (datetime.now(UTC) + timedelta(days=30)).isoformat()


def _connection() -> dict[str, Any]:
    return {
        "name": "new cloud",
        "backend_url": "https://keystone.example.net/v3",
        "username": "admin",
        "password": "new-cloud-password",
    }


ALL_200 = "401 200 200 200 200 200 200 200 200"
VISIBLE_200 = "401 404 200 200 200 200 200 200 200"
STAFF_ONLY = "401 403 403 403 403 403 403 403"

CASES = [
    # users
    Case("users-list", "GET", "/api/users/", ALL_200, writes=False),
    Case("users-me", "GET", "/api/users/me/", ALL_200, writes=False),
    Case("users-get", "GET", "/api/users/{s.subject.uuid}/", VISIBLE_200, writes=False),
    Case(
        "users-create",
        "POST",
        "/api/users/",
        f"{STAFF_ONLY} 201",
        lambda s, p: {"username": f"new-{s.customer.abbreviation}", "password": "long enough!"},
    ),
    Case(
        "users-update",
        "PATCH",
        "/api/users/{s.subject.uuid}/",
        "401 404 403 403 403 403 403 403 200",
        lambda s, p: {"full_name": "Renamed"},
    ),
    Case(
        "users-password",
        "POST",
        "/api/users/{s.subject.uuid}/password/",
        "401 404 403 403 403 403 403 403 204",
        lambda s, p: {"password": "another long one"},
    ),
    Case(
        "users-deactivate",
        "POST",
        "/api/users/{s.subject.uuid}/deactivate/",
        "401 404 403 403 403 403 403 403 200",
    ),
    # organisations
    Case("customers-list", "GET", "/api/customers/", ALL_200, writes=False),
    Case("customers-get", "GET", "/api/customers/{s.customer.uuid}/", VISIBLE_200, writes=False),
    Case(
        "customers-create",
        "POST",
        "/api/customers/",
        f"{STAFF_ONLY} 201",
        lambda s, p: {"name": "New organisation"},
    ),
    Case(
        "customers-update",
        "PATCH",
        "/api/customers/{s.customer.uuid}/",
        "401 404 200 403 403 403 403 403 200",
        lambda s, p: {"description": "changed"},
    ),
    Case(
        "customers-delete-with-projects",
        "DELETE",
        "/api/customers/{s.customer.uuid}/",
        "401 404 403 403 403 403 403 403 409",
    ),
    Case(
        "customers-list-users",
        "GET",
        "/api/customers/{s.customer.uuid}/list_users/",
        VISIBLE_200,
        writes=False,
    ),
    Case(
        "customers-add-manager",
        "POST",
        "/api/customers/{s.customer.uuid}/add_user/",
        "401 404 201 403 403 403 403 403 201",
        lambda s, p: {"user": str(s.spare.uuid), "role": "CUSTOMER.MANAGER"},
    ),
    Case(
        "customers-add-owner",
        "POST",
        "/api/customers/{s.customer.uuid}/add_user/",
        "401 404 403 403 403 403 403 403 201",
        lambda s, p: {"user": str(s.spare.uuid), "role": "CUSTOMER.OWNER"},
    ),
    Case(
        "customers-update-user",
        "POST",
        "/api/customers/{s.customer.uuid}/update_user/",
        "401 404 200 403 403 403 403 403 200",
        lambda s, p: {
            "user": str(p["customer_manager"].uuid),
            "role": "CUSTOMER.MANAGER",
            "expiration_time": _future(),
        },
    ),
    Case(
        "customers-delete-manager",
        "POST",
        "/api/customers/{s.customer.uuid}/delete_user/",
        "401 404 204 403 403 403 403 403 204",
        lambda s, p: {"user": str(p["customer_manager"].uuid), "role": "CUSTOMER.MANAGER"},
    ),
    # projects
    Case("projects-list", "GET", "/api/projects/", ALL_200, writes=False),
    Case("projects-get", "GET", "/api/projects/{s.project.uuid}/", VISIBLE_200, writes=False),
    Case(
        "projects-get-other",
        "GET",
        "/api/projects/{s.other_project.uuid}/",
        "401 404 200 200 404 404 404 200 200",
        writes=False,
    ),
    Case(
        "projects-create",
        "POST",
        "/api/projects/",
        "401 400 201 403 403 403 403 403 201",
        lambda s, p: {"name": "New project", "customer": str(s.customer.uuid)},
    ),
    Case(
        "projects-update",
        "PATCH",
        "/api/projects/{s.project.uuid}/",
        "401 404 200 403 403 200 403 403 200",
        lambda s, p: {"description": "changed"},
    ),
    Case(
        "projects-delete",
        "DELETE",
        "/api/projects/{s.project.uuid}/",
        "401 404 204 403 403 403 403 403 204",
    ),
    Case(
        "projects-list-users",
        "GET",
        "/api/projects/{s.project.uuid}/list_users/",
        VISIBLE_200,
        writes=False,
    ),
    Case(
        "projects-add-member",
        "POST",
        "/api/projects/{s.project.uuid}/add_user/",
        "401 404 201 403 403 201 403 403 201",
        lambda s, p: {"user": str(s.spare.uuid), "role": "PROJECT.MEMBER"},
    ),
    Case(
        "projects-add-manager",
        "POST",
        "/api/projects/{s.project.uuid}/add_user/",
        "401 404 201 403 403 403 403 403 201",
        lambda s, p: {"user": str(s.spare.uuid), "role": "PROJECT.MANAGER"},
    ),
    Case(
        "projects-update-user",
        "POST",
        "/api/projects/{s.project.uuid}/update_user/",
        "401 404 200 403 403 200 403 403 200",
        lambda s, p: {
            "user": str(s.subject.uuid),
            "role": "PROJECT.MEMBER",
            "expiration_time": _future(),
        },
    ),
    Case(
        "projects-delete-member",
        "POST",
        "/api/projects/{s.project.uuid}/delete_user/",
        "401 404 204 403 403 204 403 403 204",
        lambda s, p: {"user": str(s.subject.uuid), "role": "PROJECT.MEMBER"},
    ),
    # cloud connections
    Case("settings-list", "GET", "/api/service-settings/", ALL_200, writes=False),
    Case(
        "settings-get-shared",
        "GET",
        "/api/service-settings/{s.shared_connection.uuid}/",
        ALL_200,
        writes=False,
    ),
    Case(
        "settings-get-private",
        "GET",
        "/api/service-settings/{s.private_connection.uuid}/",
        "401 404 200 200 404 404 404 200 200",
        writes=False,
    ),
    Case(
        "settings-get-secrets",
        "GET",
        "/api/service-settings/{s.shared_connection.uuid}/?include_secrets=true",
        f"{STAFF_ONLY} 200",
        writes=False,
    ),
    Case(
        "settings-list-secrets",
        "GET",
        "/api/service-settings/?include_secrets=true",
        f"{STAFF_ONLY} 200",
        writes=False,
    ),
    Case(
        "settings-create",
        "POST",
        "/api/service-settings/",
        f"{STAFF_ONLY} 201",
        lambda s, p: _connection(),
    ),
    Case(
        "settings-update",
        "PATCH",
        "/api/service-settings/{s.shared_connection.uuid}/",
        f"{STAFF_ONLY} 200",
        lambda s, p: {"availability_zone": "nova"},
    ),
    Case(
        "settings-delete",
        "DELETE",
        "/api/service-settings/{s.shared_connection.uuid}/",
        f"{STAFF_ONLY} 204",
    ),
    Case(
        "internal-credentials",
        "GET",
        "/internal/cloud-connections/{s.shared_connection.uuid}/credentials",
        " ".join(["401"] * 9),
        writes=False,
    ),
    # audit log, tokens
    Case("events-list", "GET", "/api/events/", ALL_200, writes=False),
    Case("jwks", "GET", "/api/identity/jwks/", " ".join(["200"] * 9), writes=False),
    Case("logout", "POST", "/api-auth/logout/", "401 204 204 204 204 204 204 204 204"),
]

MATRIX = [
    pytest.param(case, role, int(case.statuses.split()[index]), id=f"{case.name}-{role}")
    for case in CASES
    for index, role in enumerate(ROLES)
]


def test_every_case_has_a_status_per_role() -> None:
    for case in CASES:
        assert len(case.statuses.split()) == len(ROLES), case.name


@pytest.fixture(scope="module")
async def read_scenario(identity: Any) -> Any:
    return await identity.scenario()


@pytest.mark.parametrize(("case", "role", "expected"), MATRIX)
async def test_role_matrix(
    identity: Any, read_scenario: Any, case: Case, role: str, expected: int
) -> None:
    scenario = await identity.scenario() if case.writes else read_scenario
    body = case.body(scenario, identity.people) if case.body else None
    response = await identity.client.request(
        case.method,
        case.path.format(s=scenario),
        json=body,
        headers=identity.headers(role),
    )
    assert response.status_code == expected, response.text
