"""Instances and volumes imported by compute's and storage's lost-resource recovery get
marketplace resources in their tenant's private offerings, under the uuid they chose;
the cloud's metadata of them reaches those resources."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_common.events import Envelope
from stackyard_marketplace.processors.imports import apply_import_event
from stackyard_marketplace.processors.metadata import apply_metadata_event
from stackyard_marketplace.processors.resource_answers import apply_resource_event

from .conftest import Market, Scenario
from .test_private_offerings import _private, _provisioned, no_private_offerings

__all__ = ["no_private_offerings"]  # the fixture, imported for the test that uses it


def _imported(kind: str, tenant: str, scenario: Scenario, **fields: Any) -> Envelope:
    return Envelope(
        type=f"{kind}.imported.v1",
        source="compute" if kind == "instance" else "storage",
        payload={
            f"{kind}_uuid": str(uuid.uuid4()),
            "marketplace_resource_uuid": str(uuid.uuid4()),
            "tenant_uuid": tenant,
            "project_uuid": str(scenario.project.uuid),
            "customer_uuid": str(scenario.customer.uuid),
            "state": "OK",
            **fields,
        },
    )


async def _apply(market: Market, envelope: Envelope) -> None:
    async with market.market_db.session() as session:
        await apply_import_event(envelope, session)
        await session.commit()


async def _resource(market: Market, scenario: Scenario, uuid_: str) -> dict[str, Any]:
    response = await market.client.get(
        f"/api/marketplace-resources/{uuid_}/",
        headers=market.headers(scenario.users["project_member"]),
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_an_imported_instance_is_offered_under_its_chosen_uuid(
    market: Market, scenario: Scenario
) -> None:
    _, tenant = await _provisioned(market, scenario, "fixed", [])
    instance_offering, _ = await _private(market, scenario, tenant)
    event = _imported(
        "instance", tenant, scenario, name="found-web", backend_id="srv-9", flavor_name="m1.small"
    )
    await _apply(market, event)
    await _apply(market, event)  # the same event again changes nothing

    payload = event.payload
    resource = await _resource(market, scenario, payload["marketplace_resource_uuid"])
    assert resource["name"] == "found-web"
    assert resource["state"] == "OK"
    assert resource["offering_uuid"] == instance_offering["uuid"]
    assert resource["resource_type"] == "OpenStack.Instance"
    assert resource["backend_id"] == "srv-9"
    assert resource["attributes"] == {"imported": True, "flavor_name": "m1.small"}
    listed = await market.client.get(
        f"/api/marketplace-resources/?offering_uuid={instance_offering['uuid']}",
        headers=market.headers(scenario.users["project_member"]),
    )
    assert [item["uuid"] for item in listed.json()] == [payload["marketplace_resource_uuid"]]

    # The resource then follows the instance's own events, as an ordered one does.
    async with market.market_db.session() as session:
        await apply_resource_event(
            Envelope(
                type="instance.state_changed.v1",
                source="compute",
                payload={
                    "marketplace_resource_uuid": payload["marketplace_resource_uuid"],
                    "instance_uuid": payload["instance_uuid"],
                    "state": "ERRED",
                    "error_message": "The server is gone from the cloud.",
                },
            ),
            session,
        )
        await session.commit()
    erred = await _resource(market, scenario, payload["marketplace_resource_uuid"])
    assert erred["state"] == "Erred"


async def test_a_tenant_without_private_offerings_gets_them_for_an_import(
    market: Market, scenario: Scenario, no_private_offerings: None
) -> None:
    _, tenant = await _provisioned(market, scenario, "fixed", [])
    assert await _private(market, scenario, tenant) == []
    event = _imported("volume", tenant, scenario, name="found-data", size=2048)
    await _apply(market, event)
    _, volume_offering = await _private(market, scenario, tenant)
    resource = await _resource(market, scenario, event.payload["marketplace_resource_uuid"])
    assert resource["offering_uuid"] == volume_offering["uuid"]
    assert resource["attributes"] == {"imported": True, "size": 2048}


async def test_an_import_for_a_tenant_the_marketplace_does_not_know_makes_nothing(
    market: Market, scenario: Scenario
) -> None:
    event = _imported("volume", str(uuid.uuid4()), scenario, name="stray")
    async with market.market_db.session() as session:
        assert await apply_import_event(event, session) is None
    response = await market.client.get(
        f"/api/marketplace-resources/{event.payload['marketplace_resource_uuid']}/",
        headers=market.headers(scenario.users["owner"]),
    )
    assert response.status_code == 404


async def test_the_clouds_metadata_reaches_the_resource(market: Market, scenario: Scenario) -> None:
    _, tenant = await _provisioned(market, scenario, "fixed", [])
    event = _imported("volume", tenant, scenario, name="tagged", metadata={"tier": "gold"})
    await _apply(market, event)
    resource_uuid = event.payload["marketplace_resource_uuid"]
    assert (await _resource(market, scenario, resource_uuid))["backend_metadata"] == {
        "tier": "gold"
    }
    for kind in ("volume.updated.v1", "instance.metadata_changed.v1"):
        changed = Envelope(
            type=kind,
            source="storage",
            payload={"marketplace_resource_uuid": resource_uuid, "metadata": {"tier": kind}},
        )
        async with market.market_db.session() as session:
            assert await apply_metadata_event(changed, session) is not None
            await session.commit()
        resource = await _resource(market, scenario, resource_uuid)
        assert resource["backend_metadata"] == {"tier": kind}
    stranger = Envelope(
        type="volume.updated.v1",
        source="storage",
        payload={"marketplace_resource_uuid": str(uuid.uuid4()), "metadata": {"a": "b"}},
    )
    async with market.market_db.session() as session:
        assert await apply_metadata_event(stranger, session) is None
