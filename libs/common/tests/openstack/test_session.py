"""CloudSession: retries and backoff, Retry-After, resets, 503 bursts, limits, errors."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import respx
from structlog.testing import capture_logs

from stackyard_common.openstack import (
    BadRequest,
    CloudConfig,
    EndpointNotFound,
    OpenStackClient,
    RetryPolicy,
    Timeout,
    Unavailable,
)

from .conftest import COMPUTE_URL, IMAGE_URL, NETWORK_URL, VOLUME_URL, FakeKeystone

Keystone = tuple[FakeKeystone, respx.MockRouter]
SERVER = {"server": {"id": "s1", "name": "web", "status": "ACTIVE"}}


async def test_a_503_burst_is_ridden_out(keystone: Keystone, cloud_config: CloudConfig) -> None:
    _, router = keystone
    route = router.get(f"{COMPUTE_URL}/servers/s1").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(200, json=SERVER),
        ]
    )
    async with OpenStackClient(cloud_config) as cloud:
        server = await cloud.compute.get_server("s1")
    assert server.status == "ACTIVE"
    assert route.call_count == 4


async def test_a_longer_503_burst_raises_unavailable_with_context(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    route = router.get(f"{COMPUTE_URL}/servers/s1").mock(
        return_value=httpx.Response(
            503,
            json={"serviceUnavailable": {"code": 503, "message": "Nova is down"}},
            headers={"x-compute-request-id": "req-503"},
        )
    )
    async with OpenStackClient(cloud_config) as cloud:
        with pytest.raises(Unavailable) as caught:
            await cloud.compute.get_server("s1")
    assert route.call_count == cloud_config.retry.attempts
    error = caught.value
    assert (error.service, error.method, error.status) == ("compute", "GET", 503)
    assert error.url == f"{COMPUTE_URL}/servers/s1"
    assert error.request_id == "req-503"
    assert error.message == "Nova is down"
    assert error.cloud == "test-cloud"


async def test_429_waits_as_long_as_retry_after_says(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    moments: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        moments.append(time.monotonic())
        if len(moments) == 1:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return httpx.Response(200, json=SERVER)

    router.get(f"{COMPUTE_URL}/servers/s1").mock(side_effect=answer)
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.get_server("s1")
    # The backoff alone would wait at most 0.05 s here.
    assert 0.95 <= moments[1] - moments[0] < 2.0


async def test_a_reset_connection_is_retried_for_a_get(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    route = router.get(f"{COMPUTE_URL}/servers/s1").mock(
        side_effect=[
            httpx.ReadError("Connection reset by peer"),
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            httpx.Response(200, json=SERVER),
        ]
    )
    async with OpenStackClient(cloud_config) as cloud:
        assert (await cloud.compute.get_server("s1")).id == "s1"
    assert route.call_count == 3


async def test_a_post_is_not_repeated_unless_the_caller_says_so(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    route = router.post(f"{COMPUTE_URL}/servers").mock(
        side_effect=[httpx.Response(503), httpx.Response(202, json=SERVER)]
    )
    async with OpenStackClient(cloud_config) as cloud:
        with pytest.raises(Unavailable):
            await cloud.compute.create_server("web", "f1", image_id="i1")
        assert route.call_count == 1
        route.side_effect = [httpx.ReadError("reset"), httpx.Response(202, json=SERVER)]
        with pytest.raises(Unavailable):
            await cloud.compute.create_server("web", "f1", image_id="i1")
        assert route.call_count == 2
        route.side_effect = [httpx.Response(503), httpx.Response(202, json=SERVER)]
        server = await cloud.compute.create_server("web", "f1", image_id="i1", retry_safe=True)
    assert server.id == "s1"
    assert route.call_count == 4


async def test_a_refused_connection_is_retried_even_for_a_post(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    route = router.post(f"{COMPUTE_URL}/servers").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(202, json=SERVER)]
    )
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.create_server("web", "f1", image_id="i1")
    assert route.call_count == 2


async def test_a_read_timeout_raises_timeout(keystone: Keystone, cloud_config: CloudConfig) -> None:
    _, router = keystone
    route = router.get(f"{COMPUTE_URL}/servers/s1").mock(side_effect=httpx.ReadTimeout("slow"))
    async with OpenStackClient(cloud_config) as cloud:
        with pytest.raises(Timeout) as caught:
            await cloud.compute.get_server("s1")
    assert caught.value.url == f"{COMPUTE_URL}/servers/s1"
    assert route.call_count == 1  # waiting the whole timeout again would not help


async def test_a_connect_timeout_is_retried(keystone: Keystone, cloud_config: CloudConfig) -> None:
    _, router = keystone
    route = router.post(f"{COMPUTE_URL}/servers").mock(
        side_effect=[httpx.ConnectTimeout("no SYN-ACK"), httpx.Response(202, json=SERVER)]
    )
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.create_server("web", "f1", image_id="i1")
    assert route.call_count == 2


async def test_concurrency_is_limited_per_cloud(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    in_flight = 0
    peak = 0

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json=SERVER)

    router.get(f"{COMPUTE_URL}/servers/s1").mock(side_effect=answer)
    config = cloud_config.model_copy(update={"max_concurrency": 3})
    async with OpenStackClient(config) as cloud:
        await asyncio.gather(*(cloud.compute.get_server("s1") for _ in range(20)))
    assert peak == 3


async def test_microversions_are_sent_per_call(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    nova = router.get(f"{COMPUTE_URL}/servers/s1").mock(
        return_value=httpx.Response(200, json=SERVER)
    )
    cinder = router.post(f"{VOLUME_URL}/volumes/v1/action").mock(return_value=httpx.Response(202))
    flavors = router.get(f"{COMPUTE_URL}/flavors/detail").mock(
        return_value=httpx.Response(200, json={"flavors": []})
    )
    async with OpenStackClient(cloud_config) as cloud:
        await cloud.compute.get_server("s1")
        await cloud.volume.extend_volume("v1", 20)
        await cloud.compute.list_flavors()
    assert nova.calls.last.request.headers["OpenStack-API-Version"] == "compute 2.26"
    assert nova.calls.last.request.headers["X-OpenStack-Nova-API-Version"] == "2.26"
    assert cinder.calls.last.request.headers["OpenStack-API-Version"] == "volume 3.42"
    assert "OpenStack-API-Version" not in flavors.calls.last.request.headers


async def test_endpoints_follow_interface_and_region(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    internal = router.get(f"{NETWORK_URL}/internal/v2.0/networks").mock(
        return_value=httpx.Response(200, json={"networks": []})
    )
    async with OpenStackClient(cloud_config.model_copy(update={"interface": "internal"})) as cloud:
        assert await cloud.network.list_networks() == []
    assert internal.call_count == 1
    async with OpenStackClient(cloud_config.model_copy(update={"region": "Elsewhere"})) as cloud:
        with pytest.raises(EndpointNotFound):
            await cloud.network.list_networks()
    async with OpenStackClient(cloud_config) as cloud:
        assert await cloud.session.endpoint("image") == f"{IMAGE_URL}/v2"
        assert await cloud.session.endpoint("network") == f"{NETWORK_URL}/v2.0"
        assert await cloud.session.endpoint("volume") == VOLUME_URL


async def test_every_call_is_logged_with_its_request_id(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    router.get(f"{COMPUTE_URL}/servers/0b5a3f3e-4c1f-4f64-8a43-7d5b0e7b7c11").mock(
        return_value=httpx.Response(200, json=SERVER, headers={"x-compute-request-id": "req-1"})
    )
    router.post(f"{COMPUTE_URL}/servers").mock(
        return_value=httpx.Response(
            400,
            json={"badRequest": {"code": 400, "message": "Invalid flavorRef"}},
            headers={"x-openstack-request-id": "req-2"},
        )
    )
    async with OpenStackClient(cloud_config) as cloud:
        with capture_logs() as events:
            await cloud.compute.get_server("0b5a3f3e-4c1f-4f64-8a43-7d5b0e7b7c11")
            with pytest.raises(BadRequest, match="Invalid flavorRef"):
                await cloud.compute.create_server("web", "nope", image_id="i1")
    calls = [e for e in events if e["event"] == "openstack.call"]
    assert [(c["method"], c["path"], c["status"], c["request_id"]) for c in calls] == [
        ("GET", "/servers/{id}", 200, "req-1"),
        ("POST", "/servers", 400, "req-2"),
    ]
    assert all(c["service"] == "compute" and c["duration_ms"] >= 0 for c in calls)


async def test_nova_admin_password_is_dropped(
    keystone: Keystone, cloud_config: CloudConfig
) -> None:
    _, router = keystone
    router.post(f"{COMPUTE_URL}/servers").mock(
        return_value=httpx.Response(202, json={"server": {"id": "s1", "adminPass": "s3cret"}})
    )
    async with OpenStackClient(cloud_config) as cloud:
        server = await cloud.compute.create_server("web", "f1", image_id="i1")
    assert "adminPass" not in server.raw
    assert "s3cret" not in repr(server)


def test_retry_policy_bounds() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        RetryPolicy(attempts=0)
