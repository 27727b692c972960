"""The application every service is built on: health, metrics, request ids, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.app import SERVICE_HEADER, create_service_app
from stackyard_common.settings import Settings
from stackyard_common.testing import isolated_environment


class Limits(BaseModel):
    cores: int
    ram: int


class Order(BaseModel):
    name: str
    limits: Limits


def _demo_router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/orders/")
    async def create(order: Order) -> Order:
        if order.limits.cores > 64:
            raise ValidationFailed.field("limits.cores", "At most 64 cores.")
        return order

    @router.get("/api/orders/missing/")
    async def missing() -> None:
        raise NotFound

    @router.post("/api/orders/busy/")
    async def busy() -> None:
        raise Conflict("The order is being processed.")

    @router.get("/api/orders/broken/")
    async def broken() -> None:
        raise RuntimeError("secret internals must not leak")

    return router


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
async def client(platform_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app("compute", routers=[_demo_router()], settings=platform_settings)
    async for client in _client(app):
        yield client


async def test_livez_answers_at_root_and_under_the_service_prefix(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/livez", "/api/compute/livez"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "service": "compute"}
        assert response.headers[SERVICE_HEADER] == "compute"


async def test_readyz_is_200_when_schema_redis_and_rabbitmq_are_usable(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/compute/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "rabbitmq": "ok"}


@pytest.mark.parametrize(
    ("dependency", "override"),
    [
        ("database", {"database": {"port": 1}}),
        ("redis", {"redis": {"url": "redis://127.0.0.1:1/0"}}),
        ("rabbitmq", {"amqp": {"url": "amqp://guest:guest@127.0.0.1:1/"}}),
    ],
)
async def test_readyz_is_503_naming_the_dependency_that_is_down(
    platform_settings: Settings, dependency: str, override: dict[str, dict[str, object]]
) -> None:
    merged = platform_settings.model_dump(mode="python")
    for section, values in override.items():
        merged[section] = {**_plain(merged[section]), **values}
    settings = Settings.model_validate({**merged, "database": _plain(merged["database"])})
    app = create_service_app("compute", settings=settings)
    async for client in _client(app):
        response = await client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["down"] == [dependency]
        assert body["checks"][dependency].startswith("error:")


def _plain(section: dict[str, object]) -> dict[str, object]:
    # model_dump keeps SecretStr objects; revalidation wants their values.
    return {
        key: value.get_secret_value() if hasattr(value, "get_secret_value") else value
        for key, value in section.items()
    }


@pytest.fixture
def unmigrated_settings() -> Iterator[Settings]:
    with isolated_environment(migrate=False) as environment:
        yield environment.settings()


async def test_readyz_is_503_when_the_schema_is_not_migrated(
    unmigrated_settings: Settings,
) -> None:
    app = create_service_app("compute", settings=unmigrated_settings)
    async for client in _client(app):
        response = await client.get("/api/compute/readyz")
        assert response.status_code == 503
        assert response.json()["down"] == ["database"]


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/livez", headers={"X-Request-ID": "abc123"})
    assert given.headers["X-Request-ID"] == "abc123"
    generated = await client.get("/livez")
    assert len(generated.headers["X-Request-ID"]) == 32


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/api/orders/missing/")
    text = (await client.get("/api/compute/metrics")).text
    assert 'route="/api/orders/missing/"' in text
    assert 'status="404"' in text


async def test_invalid_body_is_400_with_field_errors(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/orders/", json={"limits": {"cores": "many"}})
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == ["This field is required."]
    assert "cores" in body["limits"]
    assert body["limits"]["ram"] == ["This field is required."]


async def test_service_validation_error_nests_dotted_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/orders/", json={"name": "x", "limits": {"cores": 65, "ram": 1}}
    )
    assert response.status_code == 400
    assert response.json() == {"limits": {"cores": ["At most 64 cores."]}}


async def test_not_found_and_conflict_shapes(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/orders/missing/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    unknown = await client.get("/api/nothing-here/")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Not found."})
    busy = await client.post("/api/orders/busy/")
    assert (busy.status_code, busy.json()) == (409, {"detail": "The order is being processed."})


async def test_unexpected_error_is_500_without_a_traceback(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/orders/broken/", headers={"X-Request-ID": "r-1"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "request_id": "r-1"}
    assert "secret internals" not in response.text
