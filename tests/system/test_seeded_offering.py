"""`make run`'s journey, as the README tells it: the platform offers the emulator cloud
as a ready tenant offering; staff make an organisation and a project, order a tenant
from that offering, see it in the cloud, and terminate it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stackyard_common.testing.platform import RunningPlatform
from stackyard_marketplace.seed import seed_emulator_offering

from .journey import Journey, wait_for

pytestmark = pytest.mark.system


def test_the_seeded_offering_gives_a_tenant_at_once(platform: RunningPlatform) -> None:
    journey = Journey.start(platform)
    staff = journey.staff

    def seeded() -> dict[str, Any] | None:
        # Filtered by name: other tests' offerings may fill the first page.
        found = staff.get(
            "/api/marketplace-public-offerings/",
            params={"type": "OpenStack.Tenant", "name": "Emulated OpenStack", "page_size": 300},
        ).json()
        return next((o for o in found if o["name"] == "Emulated OpenStack"), None)

    offering = wait_for("the seeded offering", seeded, timeout=120)
    assert offering["state"] == "Active"
    # Seeding again (the next `make run`) keeps the offering, pointed at the emulator.
    again = asyncio.run(seed_emulator_offering(platform.settings, "admin", "admin"))
    assert again["uuid"] == offering["uuid"]
    secrets = staff.get(
        f"/api/marketplace-provider-offerings/{offering['uuid']}/", params={"include_secrets": True}
    ).json()["secret_options"]
    assert secrets["backend_url"] == f"{platform.emulator_url}/identity/v3"
    assert secrets["external_network_id"] == journey.public_network()
    (plan,) = offering["plans"]
    customer = journey.created(staff, "/api/customers/", {"name": "Acme"})
    project = journey.created(
        staff, "/api/projects/", {"name": "Web", "customer": customer["uuid"]}
    )
    order = journey.created(
        staff,
        "/api/marketplace-orders/",
        {
            "offering": offering["uuid"],
            "project": project["uuid"],
            "plan": plan["uuid"],
            "limits": {"cores": 8, "ram": 16384, "storage": 102400},
            "attributes": {"name": "web", "subnet_cidr": "192.168.42.0/24"},
        },
    )
    assert journey.finished_order(staff, order["uuid"])["state"] == "done"
    resource = staff.get(f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/").json()
    tenant = staff.get(resource["scope"]).json()
    assert tenant["state"] == "OK"
    held = journey.inventory(tenant["backend_id"])
    assert held is not None
    assert [router["external_network_id"] for router in held["routers"]] == [
        journey.public_network()
    ]
    ended = staff.post(f"/api/marketplace-resources/{resource['uuid']}/terminate/")
    assert journey.finished_order(staff, ended.json()["order_uuid"])["state"] == "done"
    assert journey.inventory(tenant["backend_id"]) is None
