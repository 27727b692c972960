"""`Idempotency-Key`: a repeated POST gets the first answer and runs nothing again."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter

from stackyard_common.api.idempotency import REPLAYED_HEADER
from stackyard_common.app import create_service_app
from stackyard_common.settings import Settings

calls: list[str] = []


def _router() -> APIRouter:
    router = APIRouter()
    numbers = itertools.count(1)

    @router.post("/api/things/", status_code=201)
    async def create(payload: dict[str, str]) -> dict[str, object]:
        calls.append(payload["name"])
        return {"number": next(numbers), "name": payload["name"]}

    @router.post("/api/things/flaky/")
    async def flaky() -> None:
        calls.append("flaky")
        raise RuntimeError("boom")

    return router


@pytest.fixture
async def client(platform_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    calls.clear()
    app = create_service_app("network", routers=[_router()], settings=platform_settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_repeat_returns_the_first_answer_without_running_again(
    client: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "order-1"}
    first = await client.post("/api/things/", json={"name": "a"}, headers=headers)
    again = await client.post("/api/things/", json={"name": "a"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() == {"number": 1, "name": "a"}
    assert again.headers[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first.headers
    assert calls == ["a"]


async def test_same_key_with_another_body_is_a_conflict(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "order-2"}
    await client.post("/api/things/", json={"name": "a"}, headers=headers)
    other = await client.post("/api/things/", json={"name": "b"}, headers=headers)
    assert other.status_code == 409
    assert "different request body" in other.json()["detail"]
    assert calls == ["a"]


async def test_keys_are_per_caller_and_requests_without_a_key_always_run(
    client: httpx.AsyncClient,
) -> None:
    for caller in ("Token one", "Token two"):
        response = await client.post(
            "/api/things/",
            json={"name": "x"},
            headers={"Idempotency-Key": "shared", "Authorization": caller},
        )
        assert REPLAYED_HEADER not in response.headers
    await client.post("/api/things/", json={"name": "y"})
    await client.post("/api/things/", json={"name": "y"})
    assert calls == ["x", "x", "y", "y"]


async def test_server_errors_are_not_kept(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "flaky-1"}
    assert (await client.post("/api/things/flaky/", headers=headers)).status_code == 500
    assert (await client.post("/api/things/flaky/", headers=headers)).status_code == 500
    assert calls == ["flaky", "flaky"]
