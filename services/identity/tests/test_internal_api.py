"""Identity's internal API for other services: cloud connections made for offerings,
project and organisation look-ups; service tokens only."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_common.auth import issue_service_token


def _service(identity: Any, name: str = "marketplace") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_service_token(identity.settings, name)}"}


async def test_services_make_and_change_cloud_connections(identity: Any) -> None:
    scenario = await identity.scenario()
    body = {
        "name": "offering cloud",
        "backend_url": "https://keystone.example.org/v3",
        "username": "admin",
        "password": "made-by-marketplace-77",
        "customer": str(scenario.customer.uuid),
        "shared": False,
        "actor_uuid": str(identity.people["staff"].uuid),
        "actor_username": identity.people["staff"].username,
    }
    client = identity.client
    staff = identity.headers("staff")
    assert (await client.post("/internal/cloud-connections/", json=body)).status_code == 401
    refused = await client.post("/internal/cloud-connections/", headers=staff, json=body)
    assert refused.status_code == 401
    made = await client.post("/internal/cloud-connections/", headers=_service(identity), json=body)
    assert made.status_code == 201, made.text
    assert set(made.json()) == {"uuid"}
    connection = made.json()["uuid"]
    changed = await client.put(
        f"/internal/cloud-connections/{connection}",
        headers=_service(identity),
        json={"password": "changed-by-marketplace-88", "actor_username": "someone"},
    )
    assert changed.status_code == 200
    credentials = await client.get(
        f"/internal/cloud-connections/{connection}/credentials", headers=_service(identity)
    )
    assert credentials.json()["password"] == "changed-by-marketplace-88"
    assert credentials.json()["username"] == "admin"
    seen = await client.get(
        f"/api/service-settings/{connection}/", headers=identity.headers("owner")
    )
    assert seen.status_code == 200
    assert seen.json()["shared"] is False
    audit = await client.get(f"/api/events/?resource_uuid={connection}", headers=staff)
    actors = {entry["user_username"] for entry in audit.json()}
    assert f"{identity.people['staff'].username} (via marketplace)" in actors
    assert "someone (via marketplace)" in actors
    missing = await client.put(
        f"/internal/cloud-connections/{uuid.uuid4()}", headers=_service(identity), json={}
    )
    assert missing.status_code == 404


async def test_services_look_projects_and_organisations_up(identity: Any) -> None:
    scenario = await identity.scenario()
    client = identity.client
    project = await client.get(
        f"/internal/projects/{scenario.project.uuid}", headers=_service(identity, "compute")
    )
    assert project.json() == {
        "uuid": str(scenario.project.uuid),
        "name": scenario.project.name,
        "customer_uuid": str(scenario.customer.uuid),
        "customer_name": scenario.customer.name,
    }
    customer = await client.get(
        f"/internal/customers/{scenario.customer.uuid}", headers=_service(identity)
    )
    assert customer.json() == {"uuid": str(scenario.customer.uuid), "name": scenario.customer.name}
    for path in (f"/internal/projects/{uuid.uuid4()}", f"/internal/customers/{uuid.uuid4()}"):
        assert (await client.get(path, headers=_service(identity))).status_code == 404
    user_token = identity.headers("staff")
    assert (
        await client.get(f"/internal/projects/{scenario.project.uuid}", headers=user_token)
    ).status_code == 401
