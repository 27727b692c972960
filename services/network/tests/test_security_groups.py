"""Security groups: made with their rules (one referring to another group), rules
added and removed, as the cloud shows them; bad rules refused before any cloud call."""

from __future__ import annotations

from typing import Any

from .cloud import Net


def _cloud_rules(inventory: dict[str, Any], group_id: str) -> set[tuple[Any, ...]]:
    return {
        (
            rule["direction"],
            rule["protocol"],
            rule["port_range_min"],
            rule["port_range_max"],
            rule["remote_ip_prefix"],
            rule["remote_group_id"],
        )
        for rule in inventory["security_group_rules"]
        if rule["security_group_id"] == group_id and rule["direction"] == "ingress"
    }


async def test_groups_rules_and_remote_groups(net: Net) -> None:
    tenant = await net.tenant()
    other = await net.tenant()
    headers = await net.manager(tenant)
    other_headers = await net.manager(other)
    web = await net.client.post(
        "/api/openstack-sgp/",
        json={
            "tenant": str(tenant.uuid),
            "name": "web",
            "rules": [{"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr": "0.0.0.0/0"}],
        },
        headers=headers,
    )
    assert web.status_code == 202, web.text
    web_path = f"/api/openstack-sgp/{web.json()['uuid']}/"
    web_group = await net.settled(web_path, headers)
    assert web_group["state"] == "OK", web_group
    foreign = await net.client.post(
        "/api/openstack-sgp/",
        json={"tenant": str(other.uuid), "name": "foreign"},
        headers=other_headers,
    )
    foreign_group = await net.settled(
        f"/api/openstack-sgp/{foreign.json()['uuid']}/", other_headers
    )

    before = await net.network_calls()
    bad_range = await net.client.post(
        "/api/openstack-sgp/",
        json={
            "tenant": str(tenant.uuid),
            "name": "bad",
            "rules": [{"protocol": "tcp", "from_port": 90, "to_port": 80}],
        },
        headers=headers,
    )
    assert bad_range.status_code == 400
    assert bad_range.json() == {
        "rules": {"0": {"to_port": [bad_range.json()["rules"]["0"]["to_port"][0]]}}
    }
    bad_remote = await net.client.post(
        f"{web_path}rules/",
        json={
            "protocol": "tcp",
            "from_port": 22,
            "to_port": 22,
            "remote_group": foreign_group["uuid"],
        },
        headers=headers,
    )
    assert bad_remote.status_code == 400
    assert list(bad_remote.json()) == ["remote_group"]
    assert await net.network_calls() == before

    app = await net.client.post(
        "/api/openstack-sgp/",
        json={
            "tenant": str(tenant.uuid),
            "name": "app",
            "rules": [
                {
                    "protocol": "tcp",
                    "from_port": 8080,
                    "to_port": 8081,
                    "remote_group": web_group["url"],
                }
            ],
        },
        headers=headers,
    )
    app_path = f"/api/openstack-sgp/{app.json()['uuid']}/"
    app_group = await net.settled(app_path, headers)
    assert app_group["state"] == "OK", app_group
    referring = [rule for rule in app_group["rules"] if rule["direction"] == "ingress"]
    assert [(r["remote_group_uuid"], r["remote_group_name"]) for r in referring] == [
        (web_group["uuid"], "web")
    ]
    inventory = await net.inventory(tenant.backend_id)
    assert _cloud_rules(inventory, app_group["backend_id"]) == {
        ("ingress", "tcp", 8080, 8081, None, web_group["backend_id"])
    }

    added = await net.client.post(
        f"{web_path}rules/",
        json={"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8"},
        headers=headers,
    )
    assert added.status_code == 202, added.text
    web_group = await net.settled(web_path, headers)
    inventory = await net.inventory(tenant.backend_id)
    assert _cloud_rules(inventory, web_group["backend_id"]) == {
        ("ingress", "tcp", 80, 80, "0.0.0.0/0", None),
        ("ingress", "tcp", 443, 443, "10.0.0.0/8", None),
    }
    rule_id = next(rule["id"] for rule in web_group["rules"] if rule["from_port"] == 80)
    removed = await net.client.delete(f"{web_path}rules/{rule_id}/", headers=headers)
    assert removed.status_code == 202
    web_group = await net.settled(web_path, headers)
    assert [r["from_port"] for r in web_group["rules"] if r["direction"] == "ingress"] == [443]
    inventory = await net.inventory(tenant.backend_id)
    assert _cloud_rules(inventory, web_group["backend_id"]) == {
        ("ingress", "tcp", 443, 443, "10.0.0.0/8", None)
    }

    for path in (app_path, web_path):
        assert (await net.client.delete(path, headers=headers)).status_code == 202
        assert await net.settled(path, headers) is None
    names = [group["name"] for group in (await net.inventory(tenant.backend_id))["security_groups"]]
    assert "web" not in names
    assert "app" not in names
