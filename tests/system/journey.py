"""The tenant journey through the gateway, step by step, as a user makes it: helpers of
the system tests (a staff client, organisations and their owners, a tenant offering on
the platform's emulator, orders followed to their end, the emulator's inventory)."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from stackyard_common.testing.platform import RunningPlatform

T = TypeVar("T")

STACKYARD = str(Path(sys.executable).with_name("stackyard"))
EMULATOR_ADMIN = {"username": "admin", "password": "secret", "tenant_name": "admin"}
STAFF = ("admin", "admin")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 60.0) -> T:
    """`probe()`'s first answer that is not None; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def stackyard(platform: RunningPlatform, *args: str) -> subprocess.CompletedProcess[str]:
    """`stackyard args` with the platform's settings, as an operator would run it."""
    return subprocess.run(
        [STACKYARD, *args],
        env={**os.environ, **platform.variables},
        capture_output=True,
        text=True,
        timeout=240,
    )


def login(platform: RunningPlatform, username: str, password: str) -> httpx.Client:
    """A client of the gateway signed in as `username`."""
    client = httpx.Client(base_url=platform.gateway_url, timeout=30)
    response = client.post("/api-auth/password/", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Token {response.json()['token']}"
    return client


@dataclass
class Organisation:
    """An organisation with a project, and its owner signed in."""

    uuid: str
    project: str
    owner: httpx.Client
    owner_uuid: str


@dataclass
class Journey:
    """The platform as its staff and its users see it."""

    platform: RunningPlatform
    staff: httpx.Client
    emulator: httpx.Client

    @classmethod
    def start(cls, platform: RunningPlatform) -> Journey:
        return cls(
            platform,
            login(platform, *STAFF),
            httpx.Client(base_url=platform.emulator_url, timeout=30),
        )

    def created(self, client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(path, json=body)
        assert response.status_code in (200, 201), (path, response.text)
        answer: dict[str, Any] = response.json()
        return answer

    def organisation(self, name: str) -> Organisation:
        """A new organisation with a project and an owner (signed in)."""
        suffix = uuid.uuid4().hex[:6]
        customer = self.created(self.staff, "/api/customers/", {"name": f"{name} {suffix}"})
        project = self.created(
            self.staff, "/api/projects/", {"name": f"{name} project", "customer": customer["uuid"]}
        )
        password = f"pw-{uuid.uuid4().hex}"
        user = self.created(
            self.staff, "/api/users/", {"username": f"owner-{suffix}", "password": password}
        )
        self.created(
            self.staff,
            f"/api/customers/{customer['uuid']}/add_user/",
            {"user": user["uuid"], "role": "CUSTOMER.OWNER"},
        )
        owner = login(self.platform, f"owner-{suffix}", password)
        return Organisation(customer["uuid"], project["uuid"], owner, user["uuid"])

    def public_network(self) -> str:
        """The id of the emulator's external network `public`."""
        projects = self.emulator.get("/_emulator/inventory").json()["projects"]
        return next(
            network["id"]
            for project in projects.values()
            for network in project["networks"]
            if network["name"] == "public"
        )

    def inventory(self, project_id: str) -> dict[str, Any] | None:
        """What the emulator holds for one Keystone project (None: nothing at all)."""
        projects: dict[str, Any] = self.emulator.get("/_emulator/inventory").json()["projects"]
        return projects.get(project_id)

    def tenant_offering(self, provider: str, **plugin_options: Any) -> dict[str, Any]:
        """An active `OpenStack.Tenant` offering on the emulator, made by staff."""
        category = self.created(
            self.staff, "/api/marketplace-categories/", {"title": f"Clouds {uuid.uuid4().hex[:6]}"}
        )
        offering = self.created(
            self.staff,
            "/api/marketplace-provider-offerings/",
            {
                "name": f"Emulated cloud {uuid.uuid4().hex[:6]}",
                "category": category["uuid"],
                "customer": provider,
                "type": "OpenStack.Tenant",
                "secret_options": {
                    "backend_url": f"{self.platform.emulator_url}/identity/v3",
                    "external_network_id": self.public_network(),
                    **EMULATOR_ADMIN,
                },
                "plugin_options": plugin_options,
                "plans": [{"name": "Default", "quotas": {"cores": 64}}],
            },
        )
        return self.created(
            self.staff, f"/api/marketplace-provider-offerings/{offering['uuid']}/activate/", {}
        )

    def order(self, client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
        """Place an order. A role granted a moment ago reaches the marketplace by event:
        until it has, the project is not the orderer's, and the order is refused."""

        def placed() -> dict[str, Any] | None:
            response = client.post("/api/marketplace-orders/", json=body)
            if response.status_code == 400 and response.json() == {"project": ["No such project."]}:
                return None
            assert response.status_code == 201, response.text
            answer: dict[str, Any] = response.json()
            return answer

        return wait_for("the orderer's role to reach the marketplace", placed, timeout=15)

    def order_refused(self, client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
        """The field errors of an order that must be refused (400)."""
        response = client.post("/api/marketplace-orders/", json=body)
        assert response.status_code == 400, response.text
        errors: dict[str, Any] = response.json()
        return errors

    def finished_order(
        self, client: httpx.Client, order_uuid: str, timeout: float = 90.0
    ) -> dict[str, Any]:
        """The order once it is done or erred."""

        def finished() -> dict[str, Any] | None:
            order: dict[str, Any] = client.get(f"/api/marketplace-orders/{order_uuid}/").json()
            return order if order["state"] in ("done", "erred") else None

        return wait_for(f"order {order_uuid}", finished, timeout=timeout)


def tenant_shape(inventory: dict[str, Any]) -> dict[str, Any]:
    """What a tenant's project holds, without the cloud's ids, for exact comparison."""
    groups = {group["id"]: group["name"] for group in inventory["security_groups"]}
    rules: dict[str, list[tuple[Any, ...]]] = {name: [] for name in groups.values()}
    for rule in inventory["security_group_rules"]:
        remote = "self" if rule["remote_group_id"] == rule["security_group_id"] else None
        rules[groups[rule["security_group_id"]]].append(
            (
                rule["direction"],
                rule["ethertype"],
                rule["protocol"],
                rule["port_range_min"],
                rule["port_range_max"],
                rule["remote_ip_prefix"] or remote,
            )
        )
    subnets = {subnet["id"]: subnet["name"] for subnet in inventory["subnets"]}
    empty = (
        "servers",
        "volumes",
        "snapshots",
        "backups",
        "floating_ips",
        "server_groups",
        "keypairs",
        "images",
        "rbac_policies",
    )
    return {
        "name": inventory["name"],
        "users": sorted(user["name"] for user in inventory["users"]),
        "grants": sorted((grant["user"], grant["role"]) for grant in inventory["role_assignments"]),
        "networks": [(n["name"], n["mtu"], n["shared"]) for n in inventory["networks"]],
        "subnets": [(s["name"], s["cidr"], s["gateway_ip"]) for s in inventory["subnets"]],
        "routers": [
            (r["name"], r["external_network_id"], [subnets[i] for i in r["interfaces"]])
            for r in inventory["routers"]
        ],
        "ports": sorted(port["device_owner"] for port in inventory["ports"]),
        "security_groups": {name: sorted(found, key=str) for name, found in rules.items()},
        "empty": {kind: inventory[kind] for kind in empty if inventory[kind]},
    }


def expected_shape(tenant: dict[str, Any], network: str, mtu: int | None) -> dict[str, Any]:
    """The shape a freshly provisioned tenant has (default groups, one routed network)."""
    project = f"{tenant['name']}-{tenant['uuid'].replace('-', '')[:8]}"
    egress = [
        ("egress", "IPv4", None, None, None, None),
        ("egress", "IPv6", None, None, None, None),
    ]

    def tcp(port: int) -> tuple[Any, ...]:
        return ("ingress", "IPv4", "tcp", port, port, "0.0.0.0/0")

    groups = {
        "default": [
            *egress,
            ("ingress", "IPv4", None, None, None, "self"),
            ("ingress", "IPv6", None, None, None, "self"),
        ],
        "ssh": [*egress, tcp(22)],
        "ping": [*egress, ("ingress", "IPv4", "icmp", None, None, "0.0.0.0/0")],
        "rdp": [*egress, tcp(3389)],
        "web": [*egress, tcp(80), tcp(443)],
    }
    name = tenant["name"]
    gateway = ipaddress.ip_network(tenant["subnet_cidr"]).network_address + 1
    return {
        "name": project,
        "users": [f"{project}-admin", f"{project}-user"],
        "grants": [(f"{project}-admin", "admin"), (f"{project}-user", "member")],
        "networks": [(f"{name}-int-net", mtu or 1500, False)],
        "subnets": [(f"{name}-sub-net", tenant["subnet_cidr"], str(gateway))],
        "routers": [(f"{name}-router", network, [f"{name}-sub-net"])],
        "ports": ["network:router_interface"],
        "security_groups": {group: sorted(rules, key=str) for group, rules in groups.items()},
        "empty": {},
    }
