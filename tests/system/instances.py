"""Helpers of the instance system tests: a provisioned tenant with its owner, instance
requests, waiting for resources to settle, and the cloud's inventory of a tenant in the
same shape as the API's view of it, for exact comparison."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from .journey import Journey, wait_for

INSTANCES = "/api/openstack-instances/"
VOLUMES = "/api/openstack-volumes/"


@dataclass
class TenantUnderTest:
    """A provisioned tenant, its owner (signed in) and what its project holds."""

    journey: Journey
    owner: httpx.Client
    tenant: dict[str, Any]
    project: str

    @property
    def uuid(self) -> str:
        return str(self.tenant["uuid"])

    @property
    def cidr_prefix(self) -> str:
        return str(self.tenant["subnet_cidr"]).rsplit(".", 1)[0]

    def instance_body(self, name: str, **extra: Any) -> dict[str, Any]:
        """A new instance: m1.small booting cirros from a 2 GiB ssd system volume."""
        return {
            "tenant": self.uuid,
            "name": name,
            "flavor": "m1.small",
            "image": "cirros-0.6.2-x86_64-disk",
            "system_volume_size": 2048,
            "system_volume_type": "ssd",
            "ports": [{}],
            **extra,
        }

    def settled(self, path: str, *states: str, timeout: float = 90) -> dict[str, Any]:
        """The resource at `path` once in one of `states` (OK or ERRED by default; GONE
        for a 404) with no saga working on it."""
        wanted = states or ("OK", "ERRED")

        def probe() -> dict[str, Any] | None:
            response = self.owner.get(path)
            if response.status_code == 404:
                return {"state": "GONE"} if "GONE" in wanted else None
            found: dict[str, Any] = response.json()
            busy = (found.get("progress") or {}).get("state") in ("running", "compensating")
            return found if found.get("state") in wanted and not busy else None

        return wait_for(f"{path} to settle", probe, timeout=timeout)

    def act(self, instance: dict[str, Any], action: str, **body: Any) -> dict[str, Any]:
        """Run an instance action and wait for its end."""
        path = f"{INSTANCES}{instance['uuid']}/"
        response = self.owner.post(f"{path}{action}/", json=body)
        assert response.status_code == 202, (action, response.text)
        return self.settled(path)

    def api_shape(self) -> dict[str, Any]:
        """What the API says the tenant holds, by the cloud's ids."""
        instances = self.owner.get(f"{INSTANCES}?tenant_uuid={self.uuid}&page_size=100").json()
        servers = {i["uuid"]: i["backend_id"] for i in instances}
        volumes = self.owner.get(f"{VOLUMES}?tenant_uuid={self.uuid}&page_size=100").json()
        copies = {
            kind: sorted(
                (c["backend_id"], c["runtime_state"])
                for c in self.owner.get(
                    f"/api/openstack-{kind}/?tenant_uuid={self.uuid}&page_size=100"
                ).json()
            )
            for kind in ("snapshots", "backups")
        }
        return {
            "servers": sorted((i["backend_id"], i["runtime_state"]) for i in instances),
            "volumes": sorted(
                (
                    v["backend_id"],
                    v["size"],
                    v["runtime_state"],
                    servers.get(v["instance_uuid"]) if v["instance_uuid"] else None,
                )
                for v in volumes
            ),
            "floating_ips": sorted(ip for i in instances for ip in i["external_ips"]),
            "fixed_ips": sorted(ip for i in instances for ip in i["internal_ips"]),
            **copies,
        }

    def cloud_shape(self) -> dict[str, Any]:
        """What the cloud holds in the tenant's project, in `api_shape`'s terms."""
        inventory = self.journey.inventory(self.tenant["backend_id"]) or {}
        ports = [p for p in inventory.get("ports", []) if p["device_owner"].startswith("compute")]
        return {
            "servers": sorted((s["id"], s["status"]) for s in inventory.get("servers", [])),
            "volumes": sorted(
                (v["id"], v["size"] * 1024, v["status"], (v["attached_to"] or [None])[0])
                for v in inventory.get("volumes", [])
            ),
            "floating_ips": sorted(
                f["floating_ip_address"] for f in inventory.get("floating_ips", []) if f["port_id"]
            ),
            "fixed_ips": sorted(ip["ip_address"] for p in ports for ip in p["fixed_ips"]),
            "snapshots": sorted((s["id"], s["status"]) for s in inventory.get("snapshots", [])),
            "backups": sorted((b["id"], b["status"]) for b in inventory.get("backups", [])),
        }

    def in_step(self, timeout: float = 30) -> dict[str, Any]:
        """The tenant's shape once the API and the cloud agree on it (storage's news
        reach compute's view by event, a moment later)."""

        def agree() -> dict[str, Any] | None:
            api = self.api_shape()
            return api if api == self.cloud_shape() else None

        try:
            return wait_for("the API and the cloud to agree", agree, timeout=timeout)
        except AssertionError:
            assert self.api_shape() == self.cloud_shape()  # shows the difference
            raise

    def leftovers(self) -> dict[str, Any]:
        """What the project still holds beyond the tenant's own network."""
        inventory = self.journey.inventory(self.tenant["backend_id"]) or {}
        kinds = ("servers", "volumes", "snapshots", "backups", "floating_ips", "keypairs")
        left = {kind: inventory.get(kind) for kind in kinds if inventory.get(kind)}
        ports = [
            p for p in inventory.get("ports", []) if p["device_owner"] != "network:router_interface"
        ]
        if ports:
            left["ports"] = ports
        return left


def provisioned_tenant(journey: Journey, name: str, cidr: str) -> TenantUnderTest:
    """A new organisation whose owner ordered a tenant on a new offering, once compute
    and storage know the tenant's flavors and volume types."""
    provider = journey.organisation(f"{name} provider")
    offering = journey.tenant_offering(provider.uuid)
    consumer = journey.organisation(name)
    order = journey.order(
        consumer.owner,
        {
            "offering": offering["uuid"],
            "project": consumer.project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 64, "ram": 131072, "storage": 1048576},
            "attributes": {"name": f"{name}-{uuid.uuid4().hex[:4]}", "subnet_cidr": cidr},
        },
    )
    assert journey.finished_order(consumer.owner, order["uuid"])["state"] == "done"
    resource = consumer.owner.get(
        f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"
    ).json()
    tenant = consumer.owner.get(resource["scope"]).json()
    owner = consumer.owner

    def ready() -> bool | None:
        flavors = owner.get(f"/api/openstack-flavors/?tenant_uuid={tenant['uuid']}").json()
        types = owner.get(f"/api/openstack-volume-types/?tenant_uuid={tenant['uuid']}").json()
        return True if flavors and types else None

    wait_for("the tenant's flavors and volume types in compute and storage", ready)
    return TenantUnderTest(journey, owner, tenant, consumer.project)
