"""The whole platform behind its gateway, as `make run` starts it."""

from __future__ import annotations

import httpx
import pytest

from stackyard_common.testing.platform import RunningPlatform
from stackyard_common.topology import SERVICES

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def gateway(platform: RunningPlatform) -> httpx.Client:
    return httpx.Client(base_url=platform.gateway_url, timeout=10)


@pytest.mark.parametrize("service", [spec.name for spec in SERVICES])
def test_every_service_is_ready_through_the_gateway(gateway: httpx.Client, service: str) -> None:
    response = gateway.get(f"/api/{service}/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "rabbitmq": "ok"}
    assert response.headers["X-Stackyard-Service"] == service


@pytest.mark.parametrize(
    ("prefix", "service"),
    [(prefix, spec.name) for spec in SERVICES for prefix in spec.prefixes],
)
def test_every_api_prefix_reaches_the_service_that_owns_it(
    gateway: httpx.Client, prefix: str, service: str
) -> None:
    response = gateway.get(prefix)
    assert response.headers.get("X-Stackyard-Service") == service, (prefix, response.text)


def test_unknown_paths_answer_json_404_at_the_gateway(gateway: httpx.Client) -> None:
    response = gateway.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_merged_openapi_document_lists_every_service(gateway: httpx.Client) -> None:
    response = gateway.get("/api/schema/")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    for spec in SERVICES:
        assert f"/api/{spec.name}/readyz" in document["paths"]


def test_request_id_travels_through_the_gateway(gateway: httpx.Client) -> None:
    response = gateway.get("/api/compute/livez", headers={"X-Request-ID": "trace-me-42"})
    assert response.headers["X-Request-ID"] == "trace-me-42"
    generated = gateway.get("/api/compute/livez").headers["X-Request-ID"]
    assert generated
    assert generated != "trace-me-42"


def test_metrics_are_served_per_service(gateway: httpx.Client) -> None:
    response = gateway.get("/api/identity/metrics")
    assert response.status_code == 200
    assert "stackyard_http_requests_total" in response.text


def test_emulator_cloud_is_running(platform: RunningPlatform) -> None:
    response = httpx.get(f"{platform.emulator_url}/identity/v3", timeout=10)
    assert response.status_code == 200
