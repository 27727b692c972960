"""Fault rules: latency, error rates with the service's error shape, dropped connections."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from keystoneauth1.exceptions import ConnectFailure

from .conftest import Running, raw_token


@pytest.fixture
def control(emulator: Running) -> Iterator[httpx.Client]:
    with emulator.control() as client:
        client.delete("/faults")
        yield client
        client.delete("/faults")


@pytest.fixture(scope="module")
def token(emulator: Running) -> str:
    return raw_token(emulator)[0]


def test_latency_applies_only_to_matching_requests(
    emulator: Running, control: httpx.Client, token: str
) -> None:
    rule = control.post(
        "/faults",
        json={"service": "compute", "method": "GET", "path_regex": "/flavors", "latency_ms": 600},
    )
    assert rule.status_code == 201
    headers = {"X-Auth-Token": token}
    started = time.monotonic()
    slow = httpx.get(f"{emulator.url}/compute/v2.1/flavors", headers=headers)
    slow_time = time.monotonic() - started
    started = time.monotonic()
    fast = httpx.get(f"{emulator.url}/network/v2.0/networks", headers=headers)
    fast_time = time.monotonic() - started
    assert slow.status_code == fast.status_code == 200
    assert slow_time >= 0.6
    assert fast_time < slow_time - 0.3
    listed = control.get("/faults").json()["faults"]
    assert listed[0]["hits"] == 1
    assert listed[0]["latency_ms"] == 600


def test_error_rule_answers_in_each_services_shape(
    emulator: Running, control: httpx.Client, token: str
) -> None:
    control.post(
        "/faults",
        json={
            "faults": [
                {"service": "network", "path_regex": "/ports$", "error_rate": 1.0, "status": 503},
                {"service": "compute", "error_rate": 1.0, "status": 500, "count": 2},
            ]
        },
    )
    headers = {"X-Auth-Token": token}
    ports = httpx.get(f"{emulator.url}/network/v2.0/ports", headers=headers)
    assert ports.status_code == 503
    assert ports.json()["NeutronError"]["type"] == "ServiceUnavailable"
    assert httpx.get(f"{emulator.url}/network/v2.0/networks", headers=headers).status_code == 200
    for _ in range(2):
        failed = httpx.get(f"{emulator.url}/compute/v2.1/flavors", headers=headers)
        assert failed.status_code == 500
        assert failed.json()["computeFault"]["code"] == 500
    assert httpx.get(f"{emulator.url}/compute/v2.1/flavors", headers=headers).status_code == 200
    assert [r["service"] for r in control.get("/faults").json()["faults"]] == ["network"]


def test_error_rate_is_a_probability(emulator: Running, control: httpx.Client, token: str) -> None:
    control.post(
        "/faults", json={"service": "image", "method": "GET", "error_rate": 0.5, "status": 429}
    )
    with httpx.Client(headers={"X-Auth-Token": token}) as client:
        codes = [client.get(f"{emulator.url}/image/v2/images/nope").status_code for _ in range(120)]
    assert set(codes) == {404, 429}
    assert 25 <= codes.count(429) <= 95


def test_dropped_connection_is_a_transport_error(
    emulator: Running, control: httpx.Client, token: str, admin: Any
) -> None:
    control.post("/faults", json={"service": "volume", "drop_connection": True, "count": 2})
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{emulator.url}/volume/v3/x/types", headers={"X-Auth-Token": token})
    with pytest.raises(ConnectFailure):
        list(admin.block_storage.types())
    assert control.get("/faults").json()["faults"] == []  # used up by the drops above
    assert (
        httpx.get(f"{emulator.url}/volume/v3/x/types", headers={"X-Auth-Token": token}).status_code
        == 200
    )


def test_rules_are_validated_and_deletable(control: httpx.Client) -> None:
    assert control.post("/faults", json={"service": "dns", "latency_ms": 1}).status_code == 400
    assert control.post("/faults", json={"service": "compute"}).status_code == 400
    assert control.post("/faults", json={"error_rate": 2}).status_code == 400
    rule = control.post("/faults", json={"latency_ms": 1}).json()["faults"][0]
    assert control.delete(f"/faults/{rule['id']}").status_code == 204
    assert control.delete(f"/faults/{rule['id']}").status_code == 404


def test_every_answer_carries_request_ids(
    emulator: Running, control: httpx.Client, token: str
) -> None:
    control.post("/faults", json={"service": "compute", "error_rate": 1.0, "count": 1})
    headers = {"X-Auth-Token": token}
    faulted = httpx.get(f"{emulator.url}/compute/v2.1/flavors", headers=headers)
    assert faulted.status_code == 503
    assert faulted.headers["x-openstack-request-id"].startswith("req-")
    assert faulted.headers["x-compute-request-id"] == faulted.headers["x-openstack-request-id"]
    served = httpx.get(f"{emulator.url}/compute/v2.1/flavors", headers=headers)
    assert served.status_code == 200
    assert served.headers["x-compute-request-id"] == served.headers["x-openstack-request-id"]
    assert served.headers["x-openstack-request-id"] != faulted.headers["x-openstack-request-id"]
    missing = httpx.get(f"{emulator.url}/volume/v3/x/volumes/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["x-openstack-request-id"].startswith("req-")
    assert "x-compute-request-id" not in missing.headers


def test_error_rule_can_send_retry_after(
    emulator: Running, control: httpx.Client, token: str
) -> None:
    created = control.post(
        "/faults",
        json={"service": "network", "error_rate": 1.0, "status": 429, "retry_after": 7},
    )
    assert created.json()["faults"][0]["retry_after"] == 7
    limited = httpx.get(f"{emulator.url}/network/v2.0/networks", headers={"X-Auth-Token": token})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    assert limited.headers["x-openstack-request-id"].startswith("req-")
    control.delete("/faults")
    control.post("/faults", json={"service": "network", "error_rate": 1.0, "status": 503})
    plain = httpx.get(f"{emulator.url}/network/v2.0/networks", headers={"X-Auth-Token": token})
    assert plain.status_code == 503
    assert "retry-after" not in plain.headers


@pytest.mark.parametrize(
    "rule",
    [
        {"error_rate": 1.0, "retry_after": -1},
        {"error_rate": 1.0, "retry_after": 1.5},
        {"error_rate": 1.0, "retry_after": "soon"},
        {"latency_ms": 5, "retry_after": 1},
        {"drop_connection": True, "error_rate": 1.0, "retry_after": 1},
    ],
)
def test_retry_after_is_validated(control: httpx.Client, rule: dict[str, Any]) -> None:
    assert control.post("/faults", json=rule).status_code == 400
