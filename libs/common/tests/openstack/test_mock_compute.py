"""The compute proxy's edges against the shipped `MockCloud`: offset pages of server
groups, nested key pair pages, secrets kept out of results, microversions, quoting."""

from __future__ import annotations

import pytest

from stackyard_common.openstack import NotFound
from stackyard_common.openstack.testing import MockCloud


@pytest.fixture
def cloud() -> MockCloud:
    return MockCloud()


def _group(group_id: str) -> dict[str, object]:
    return {"id": group_id, "name": f"g-{group_id}", "policy": "affinity", "members": []}


async def test_server_groups_are_read_until_an_empty_page(cloud: MockCloud) -> None:
    # A cloud whose own page limit (2) is below the one asked for: no links, no totals.
    cloud.add(
        "compute", "GET", "/os-server-groups", json={"server_groups": [_group("a"), _group("b")]}
    )
    cloud.add("compute", "GET", "/os-server-groups", json={"server_groups": [_group("c")]})
    cloud.add("compute", "GET", "/os-server-groups", json={"server_groups": []})
    async with cloud.client() as client:
        groups = await client.compute.list_server_groups(all_projects=True)
    assert [g.id for g in groups] == ["a", "b", "c"]
    calls = cloud.requests("compute", "GET", "/os-server-groups")
    assert [c.request.url.params["offset"] for c in calls] == ["0", "2", "3"]
    assert {c.request.url.params["all_projects"] for c in calls} == {"true"}
    assert {c.request.headers["OpenStack-API-Version"] for c in calls} == {"compute 2.64"}


async def test_server_group_rules_and_missing_deletes(cloud: MockCloud) -> None:
    cloud.add(
        "compute",
        "POST",
        "/os-server-groups",
        json={"server_group": {**_group("g1"), "policy": "anti-affinity"}},
    )
    cloud.add(
        "compute",
        "DELETE",
        "/os-server-groups/g1",
        status=404,
        json={"itemNotFound": {"code": 404, "message": "Instance group g1 could not be found."}},
    )
    async with cloud.client() as client:
        group = await client.compute.create_server_group(
            "web", "anti-affinity", max_server_per_host=1
        )
        assert not await client.compute.delete_server_group("g1")
        with pytest.raises(NotFound):
            await client.compute.delete_server_group("g1", ignore_missing=False)
    body = cloud.requests("compute", "POST", "/os-server-groups")[0].json()
    assert body == {
        "server_group": {
            "name": "web",
            "policy": "anti-affinity",
            "rules": {"max_server_per_host": 1},
        }
    }
    assert group.policy == "anti-affinity"


async def test_keypair_pages_are_unwrapped_and_followed(cloud: MockCloud) -> None:
    base = cloud.endpoint("compute")

    def pair(name: str) -> dict[str, object]:
        return {"keypair": {"name": name, "public_key": "ssh-ed25519 AAAA", "fingerprint": "f"}}

    cloud.add(
        "compute",
        "GET",
        "/os-keypairs",
        json={
            "keypairs": [pair("a"), pair("b")],
            "keypairs_links": [{"rel": "next", "href": f"{base}/os-keypairs?limit=2&marker=b"}],
        },
    )
    cloud.add("compute", "GET", "/os-keypairs", json={"keypairs": [pair("c")]})
    async with cloud.client() as client:
        pairs = await client.compute.list_keypairs(user_id="u2")
    assert [(k.id, k.name) for k in pairs] == [("a", "a"), ("b", "b"), ("c", "c")]
    second = cloud.requests("compute", "GET", "/os-keypairs")[1].request
    assert dict(second.url.params) == {"limit": "2", "marker": "b"}
    first = cloud.requests("compute", "GET", "/os-keypairs")[0].request
    assert first.url.params["user_id"] == "u2"
    assert first.headers["OpenStack-API-Version"] == "compute 2.35"


async def test_a_generated_private_key_stays_secret(cloud: MockCloud) -> None:
    secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-bits\n"
    cloud.add(
        "compute",
        "POST",
        "/os-keypairs",
        status=201,
        json={
            "keypair": {
                "name": "deploy key",
                "public_key": "ssh-rsa AAAA",
                "fingerprint": "aa:bb",
                "private_key": secret,
                "user_id": "u1",
            }
        },
    )
    cloud.add(
        "compute",
        "GET",
        "/os-keypairs/deploy key",
        json={"keypair": {"name": "deploy key", "id": 17}},
    )
    async with cloud.client() as client:
        created = await client.compute.create_keypair("deploy key")
        shown = await client.compute.get_keypair("deploy key")
    assert created.private_key is not None
    assert created.private_key.get_secret_value() == secret
    assert "secret-bits" not in repr(created) + str(created.raw)
    assert cloud.requests("compute", "POST", "/os-keypairs")[0].json() == {
        "keypair": {"name": "deploy key"}
    }
    # Nova's numeric id of a key pair is not its identity: the name is.
    assert shown.id == "deploy key"
    assert b"/os-keypairs/deploy%20key" in cloud.requests("compute", "GET")[0].request.url.raw_path


async def test_attachments_limits_and_metadata_requests(cloud: MockCloud) -> None:
    cloud.add(
        "compute",
        "POST",
        "/servers/s1/os-volume_attachments",
        json={
            "volumeAttachment": {
                "id": "v1",
                "serverId": "s1",
                "volumeId": "v1",
                "device": "/dev/vdb",
                "delete_on_termination": False,
            }
        },
    )
    cloud.add(
        "compute",
        "GET",
        "/limits",
        json={"limits": {"rate": [], "absolute": {"maxTotalCores": 20, "totalCoresUsed": 3}}},
    )
    cloud.add("compute", "DELETE", "/servers/s1/metadata/a/b", status=204)
    async with cloud.client() as client:
        attachment = await client.compute.attach_volume("s1", "v1", device="/dev/vdb")
        limits = await client.compute.get_limits("p2")
        assert await client.compute.delete_server_metadata_item("s1", "a/b")
    attach = cloud.requests("compute", "POST")[0]
    assert attach.json() == {"volumeAttachment": {"volumeId": "v1", "device": "/dev/vdb"}}
    assert attach.request.headers["OpenStack-API-Version"] == "compute 2.79"
    assert attachment.delete_on_termination is False
    assert (limits.max_cores, limits.cores_used, limits.max_instances) == (20, 3, None)
    assert cloud.requests("compute", "GET", "/limits")[0].request.url.params["tenant_id"] == "p2"
    deleted = cloud.requests("compute", "DELETE")[0].request
    assert deleted.url.raw_path.endswith(b"/metadata/a%2Fb")
