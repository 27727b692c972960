"""Sharing a network with another tenant: made in the cloud, seen from that tenant."""

from __future__ import annotations

import uuid

from stackyard_common.auth import Role

from .cloud import Net
from .topology import settled_post


async def test_a_shared_network_is_seen_from_the_other_tenant(net: Net) -> None:
    source, target = await net.tenant(), await net.tenant()
    user = uuid.uuid4()
    await net.grant(user, Role.PROJECT_MANAGER, source)
    await net.grant(user, Role.PROJECT_MEMBER, target)
    headers = net.headers(user)
    network = await settled_post(
        net, "/api/openstack-networks/", {"tenant": str(source.uuid), "name": "shared"}, headers
    )
    target_user = uuid.uuid4()
    await net.grant(target_user, Role.PROJECT_MEMBER, target)
    target_headers = net.headers(target_user)
    listed = {"tenant_uuid": str(target.uuid)}
    assert (
        await net.client.get("/api/openstack-networks/", params=listed, headers=target_headers)
    ).json() == []

    stranger = await net.tenant()
    refused = await net.client.post(
        "/api/openstack-network-rbac-policies/",
        json={"network": network["uuid"], "target_tenant": str(stranger.uuid)},
        headers=headers,
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["target_tenant"]

    policy = await settled_post(
        net,
        "/api/openstack-network-rbac-policies/",
        {"network": network["url"], "target_tenant": str(target.uuid)},
        headers,
    )
    assert policy["state"] == "OK", policy
    cloud = (await net.inventory(source.backend_id))["rbac_policies"]
    assert [(p["object_id"], p["target_project"], p["action"]) for p in cloud] == [
        (network["backend_id"], target.backend_id, "access_as_shared")
    ]
    seen = await net.client.get("/api/openstack-networks/", params=listed, headers=target_headers)
    assert [item["uuid"] for item in seen.json()] == [network["uuid"]]
    assert (
        await net.client.get(
            f"/api/openstack-network-rbac-policies/{policy['uuid']}/", headers=target_headers
        )
    ).status_code == 200
    forbidden = await net.client.delete(
        f"/api/openstack-network-rbac-policies/{policy['uuid']}/", headers=target_headers
    )
    assert forbidden.status_code == 403

    path = f"/api/openstack-network-rbac-policies/{policy['uuid']}/"
    assert (await net.client.delete(path, headers=headers)).status_code == 202
    assert await net.settled(path, headers) is None
    assert (await net.inventory(source.backend_id))["rbac_policies"] == []
    assert (
        await net.client.get("/api/openstack-networks/", params=listed, headers=target_headers)
    ).json() == []
