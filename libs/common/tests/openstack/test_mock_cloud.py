"""The proxies' requests and results, against the shipped `MockCloud`."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from stackyard_common.openstack import (
    NotFound,
    ResourceFailed,
    Timeout,
    wait_for_delete,
    wait_for_status,
)
from stackyard_common.openstack.testing import MockCloud


@pytest.fixture
def cloud() -> MockCloud:
    return MockCloud()


async def test_mock_cloud_checks_tokens_and_names_unregistered_calls(cloud: MockCloud) -> None:
    async with cloud.client() as client:
        with pytest.raises(NotFound, match="nothing registered for GET compute /servers/x"):
            await client.compute.get_server("x")
        cloud.revoke_tokens()
        with pytest.raises(NotFound):
            await client.compute.get_server("x")
    # First token, then one renewal after the revocation.
    assert cloud.token_requests == 2
    assert len(cloud.requests("compute", "GET", "/servers/x")) == 2


async def test_nova_pages_are_followed_to_the_end(cloud: MockCloud) -> None:
    base = cloud.endpoint("compute")
    cloud.add(
        "compute",
        "GET",
        "/servers/detail",
        json={
            "servers": [{"id": "a", "name": "a"}, {"id": "b", "name": "b"}],
            "servers_links": [{"rel": "next", "href": f"{base}/servers/detail?limit=2&marker=b"}],
        },
    )
    cloud.add("compute", "GET", "/servers/detail", json={"servers": [{"id": "c", "name": "c"}]})
    async with cloud.client() as client:
        servers = await client.compute.list_servers(limit=2)
    assert [s.id for s in servers] == ["a", "b", "c"]
    second = cloud.requests("compute", "GET", "/servers/detail")[1].request
    assert dict(second.url.params) == {"limit": "2", "marker": "b"}


async def test_glance_and_neutron_pages_are_followed(cloud: MockCloud) -> None:
    cloud.add(
        "image",
        "GET",
        "/images",
        json={"images": [{"id": "i1", "name": "one"}], "next": "/v2/images?marker=i1"},
    )
    cloud.add("image", "GET", "/images", json={"images": [{"id": "i2", "name": "two"}]})
    cloud.add(
        "network",
        "GET",
        "/networks",
        json={
            "networks": [{"id": "n1", "name": "x", "router:external": True}],
            "networks_links": [{"rel": "next", "href": "http://elsewhere/v2.0/networks?marker=n1"}],
        },
    )
    cloud.add("network", "GET", "/networks", json={"networks": [{"id": "n2", "name": "x"}]})
    async with cloud.client() as client:
        images = await client.image.list_images()
        networks = await client.network.list_networks(name="x")
    assert [i.id for i in images] == ["i1", "i2"]
    assert [(n.id, n.is_external) for n in networks] == [("n1", True), ("n2", False)]
    # The next page is asked of our own endpoint with the link's query.
    assert dict(cloud.requests("network")[1].request.url.params) == {"marker": "n1"}


async def test_a_repeated_marker_does_not_loop_forever(cloud: MockCloud) -> None:
    cloud.add(
        "volume",
        "GET",
        "/volumes/detail",
        json={
            "volumes": [{"id": "v1", "size": 1}],
            "volumes_links": [{"rel": "next", "href": "http://x/volumes/detail?marker=v1"}],
        },
    )
    async with cloud.client() as client:
        volumes = await client.volume.list_volumes()
    assert [v.id for v in volumes] == ["v1", "v1"]
    assert len(cloud.requests("volume")) == 2


async def test_create_server_body_and_find_by_metadata(cloud: MockCloud) -> None:
    cloud.add("compute", "POST", "/servers", status=202, json={"server": {"id": "s1"}})
    cloud.add(
        "compute",
        "GET",
        "/servers/detail",
        json={
            "servers": [
                {"id": "s0", "name": "web", "metadata": {"saga": "other"}},
                {
                    "id": "s1",
                    "name": "web",
                    "metadata": {"saga": "u-1"},
                    "status": "BUILD",
                    "OS-EXT-AZ:availability_zone": "nova",
                },
            ]
        },
    )
    async with cloud.client() as client:
        created = await client.compute.create_server(
            "web",
            "f1",
            image_id="i1",
            networks=[{"uuid": "n1"}],
            security_groups=["default"],
            metadata={"saga": "u-1"},
            user_data="#!/bin/sh\n",
            server_group_id="g1",
        )
        found = await client.compute.find_server(name="web", metadata={"saga": "u-1"})
        missing = await client.compute.find_server(name="web", metadata={"saga": "u-2"})
    body = cloud.requests("compute", "POST", "/servers")[0].json()
    assert body["server"]["flavorRef"] == "f1"
    assert body["server"]["imageRef"] == "i1"
    assert body["server"]["networks"] == [{"uuid": "n1"}]
    assert body["server"]["security_groups"] == [{"name": "default"}]
    assert base64.b64decode(body["server"]["user_data"]) == b"#!/bin/sh\n"
    assert body["os:scheduler_hints"] == {"group": "g1"}
    assert created.id == "s1"
    assert found is not None
    assert (found.id, found.availability_zone, found.status) == ("s1", "nova", "BUILD")
    assert missing is None
    # Nova matches names by regular expression: the look-up anchors it.
    listed = cloud.requests("compute", "GET", "/servers/detail")[0].request
    assert listed.url.params["name"] == "^web$"


async def test_server_actions_send_nova_action_bodies(cloud: MockCloud) -> None:
    cloud.add("compute", "POST", "/servers/s1/action", status=202)
    async with cloud.client() as client:
        await client.compute.start_server("s1")
        await client.compute.stop_server("s1")
        await client.compute.reboot_server("s1", hard=True)
        await client.compute.resize_server("s1", "f2")
        await client.compute.confirm_resize("s1")
        await client.compute.revert_resize("s1")
        await client.compute.rebuild_server("s1", "i2")
        await client.compute.add_security_group("s1", "web")
        await client.compute.remove_security_group("s1", "web")
    bodies = [r.json() for r in cloud.requests("compute", "POST", "/servers/s1/action")]
    assert bodies == [
        {"os-start": None},
        {"os-stop": None},
        {"reboot": {"type": "HARD"}},
        {"resize": {"flavorRef": "f2"}},
        {"confirmResize": None},
        {"revertResize": None},
        {"rebuild": {"imageRef": "i2"}},
        {"addSecurityGroup": {"name": "web"}},
        {"removeSecurityGroup": {"name": "web"}},
    ]


async def test_deletes_ignore_what_is_already_gone(cloud: MockCloud) -> None:
    cloud.add("compute", "DELETE", "/servers/s1", status=204)
    async with cloud.client() as client:
        assert await client.compute.delete_server("s1") is True
        assert await client.compute.delete_server("gone") is False
        assert await client.network.delete_network("gone") is False
        assert await client.volume.delete_volume("gone") is False
        assert await client.image.delete_image("gone") is False
        assert await client.identity.delete_project("gone") is False
        with pytest.raises(NotFound):
            await client.compute.delete_server("gone", ignore_missing=False)


async def test_quotas_of_the_three_services(cloud: MockCloud) -> None:
    cloud.add(
        "compute",
        "PUT",
        "/os-quota-sets/p1",
        json={"quota_set": {"id": "p1", "cores": 8, "instances": 4, "ram": 8192}},
    )
    cloud.add(
        "volume", "GET", "/os-quota-sets/p1", json={"quota_set": {"id": "p1", "gigabytes": 100}}
    )
    cloud.add("network", "PUT", "/quotas/p1", json={"quota": {"network": 5, "port": 50}})
    async with cloud.client() as client:
        assert await client.compute.set_quotas("p1", cores=8) == {
            "cores": 8,
            "instances": 4,
            "ram": 8192,
        }
        assert await client.volume.get_quotas("p1") == {"gigabytes": 100}
        assert await client.network.set_quotas("p1", network=5) == {"network": 5, "port": 50}
    assert cloud.requests("compute", "PUT")[0].json() == {"quota_set": {"cores": 8}}
    assert cloud.requests("network", "PUT")[0].json() == {"quota": {"network": 5}}


async def test_neutron_create_with_tags_sets_them(cloud: MockCloud) -> None:
    network = {"id": "n1", "name": "net", "tags": []}
    cloud.add("network", "POST", "/networks", status=201, json={"network": network})
    cloud.add("network", "PUT", "/networks/n1/tags", json={"tags": ["saga:u1"]})
    cloud.add("network", "GET", "/networks/n1", json={"network": {**network, "tags": ["saga:u1"]}})
    async with cloud.client() as client:
        created = await client.network.create_network("net", tags=["saga:u1"])
    assert created.tags == ["saga:u1"]
    assert cloud.requests("network", "POST")[0].json() == {"network": {"name": "net"}}


async def test_identity_users_and_grants(cloud: MockCloud) -> None:
    cloud.add("identity", "POST", "/users", status=201, json={"user": {"id": "u1", "name": "t"}})
    cloud.add("identity", "PUT", "/projects/p1/users/u1/roles/r1", status=204)
    cloud.add("identity", "HEAD", "/projects/p1/users/u1/roles/r1", status=204)
    cloud.add(
        "identity",
        "GET",
        "/role_assignments",
        json={
            "role_assignments": [
                {"role": {"id": "r1"}, "user": {"id": "u1"}, "scope": {"project": {"id": "p1"}}}
            ],
            "links": {"next": None},
        },
    )
    async with cloud.client() as client:
        user = await client.identity.create_user("t", SecretStr("pw-123"), default_project_id="p1")
        await client.identity.grant_project_role("p1", "u1", "r1")
        assert await client.identity.has_project_role("p1", "u1", "r1") is True
        assert await client.identity.has_project_role("p1", "u1", "r2") is False
        grants = await client.identity.list_role_assignments(user_id="u1")
    assert user.id == "u1"
    assert cloud.requests("identity", "POST", "/users")[0].json()["user"]["password"] == "pw-123"
    assert [(g.user_id, g.project_id, g.role_id) for g in grants] == [("u1", "p1", "r1")]


async def test_image_upload_streams_and_download_streams(cloud: MockCloud) -> None:
    received: list[bytes] = []

    def store(request: httpx.Request) -> httpx.Response:
        received.append(request.read())
        return httpx.Response(204)

    cloud.add("image", "PUT", "/images/i1/file", handler=store)
    cloud.add("image", "GET", "/images/i1/file", content=b"0123456789" * 1000)

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(3):
            yield bytes([index]) * 1000

    async with cloud.client() as client:
        await client.image.upload_image("i1", chunks())
        async with client.image.download_image("i1", chunk_size=4096) as data:
            parts = [part async for part in data]
    assert received == [b"\x00" * 1000 + b"\x01" * 1000 + b"\x02" * 1000]
    upload = cloud.requests("image", "PUT")[0].request
    assert upload.headers["content-type"] == "application/octet-stream"
    assert b"".join(parts) == b"0123456789" * 1000
    assert len(parts) == 3


async def test_image_update_uses_json_patch(cloud: MockCloud) -> None:
    image = {"id": "i1", "name": "old", "status": "active", "os_distro": "ubuntu"}
    cloud.add("image", "GET", "/images/i1", json=image)
    cloud.add("image", "PATCH", "/images/i1", json={**image, "name": "new", "saga": "u1"})
    async with cloud.client() as client:
        updated = await client.image.update_image("i1", name="new", saga="u1", os_distro=None)
    patch = cloud.requests("image", "PATCH")[0]
    assert patch.request.headers["content-type"] == "application/openstack-images-v2.1-json-patch"
    assert patch.json() == [
        {"op": "replace", "path": "/name", "value": "new"},
        {"op": "add", "path": "/saga", "value": "u1"},
        {"op": "remove", "path": "/os_distro"},
    ]
    assert updated.properties == {"os_distro": "ubuntu", "saga": "u1"}


async def test_wait_for_status_backs_off_until_wanted(cloud: MockCloud) -> None:
    for status in ("BUILD", "BUILD", "ACTIVE"):
        cloud.add("compute", "GET", "/servers/s1", json={"server": {"id": "s1", "status": status}})
    async with cloud.client() as client:
        server = await client.compute.wait_for_server("s1", interval=0.01)
    assert server.status == "ACTIVE"
    assert len(cloud.requests("compute", "GET", "/servers/s1")) == 3


async def test_wait_for_status_stops_at_a_failure_or_the_deadline(cloud: MockCloud) -> None:
    cloud.add("volume", "GET", "/volumes/v1", json={"volume": {"id": "v1", "status": "error"}})
    cloud.add("volume", "GET", "/volumes/v2", json={"volume": {"id": "v2", "status": "creating"}})
    async with cloud.client() as client:
        with pytest.raises(ResourceFailed, match="v1 reached error") as caught:
            await client.volume.wait_for_volume("v1", interval=0.01)
        assert caught.value.resource.id == "v1"
        started = asyncio.get_running_loop().time()
        with pytest.raises(Timeout, match="still creating"):
            await wait_for_status(
                lambda: client.volume.get_volume("v2"), "available", timeout=0.2, interval=0.05
            )
        assert asyncio.get_running_loop().time() - started < 1.0


async def test_wait_for_delete_until_not_found(cloud: MockCloud) -> None:
    cloud.add("volume", "GET", "/volumes/v1", json={"volume": {"id": "v1", "status": "deleting"}})
    cloud.add(
        "volume",
        "GET",
        "/volumes/v1",
        status=404,
        json={"itemNotFound": {"code": 404, "message": "gone"}},
    )
    cloud.add("volume", "GET", "/volumes/v2", json={"volume": {"id": "v2", "status": "deleting"}})
    async with cloud.client() as client:
        await client.volume.wait_for_volume_delete("v1", interval=0.01)
        with pytest.raises(Timeout):
            await wait_for_delete(
                lambda: client.volume.get_volume("v2"), timeout=0.05, interval=0.01
            )
