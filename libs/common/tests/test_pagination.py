"""Pagination over a real table: bare list body, `X-Result-Count` and `Link` headers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy import delete, select

from stackyard_common.api import PageDep, paginate
from stackyard_common.db import Database, SessionDep
from stackyard_common.settings import Settings
from stackyard_identity.models import User


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/api/users/")
    async def users(session: SessionDep, page: PageDep) -> list[str]:
        rows = await paginate(session, select(User).order_by(User.username), page)
        return [user.username for user in rows]

    return router


@pytest.fixture(scope="module")
async def client(platform_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    from stackyard_common.app import create_service_app

    database = Database(platform_settings, "identity")
    async with database.session() as session:
        session.add_all(User(username=f"user{index:02d}", password_hash="-") for index in range(25))
    app = create_service_app("identity", routers=[_router()], settings=platform_settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    async with database.session() as session:
        await session.execute(delete(User).where(User.username.like("user%")))
    await database.dispose()


async def test_default_page_is_ten_rows_with_count_and_links(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/")
    assert response.status_code == 200
    assert response.json() == [f"user{index:02d}" for index in range(10)]
    assert response.headers["X-Result-Count"] == "25"
    links = response.headers["Link"]
    assert '<http://test/api/users/?page=1&page_size=10>; rel="first"' in links
    assert '<http://test/api/users/?page=2&page_size=10>; rel="next"' in links
    assert '<http://test/api/users/?page=3&page_size=10>; rel="last"' in links
    assert 'rel="prev"' not in links


async def test_middle_page_has_prev_and_next_and_keeps_filters(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/users/?page=2&page_size=7&o=name")
    assert response.json() == [f"user{index:02d}" for index in range(7, 14)]
    links = response.headers["Link"]
    assert 'page=1&page_size=7>; rel="prev"' in links
    assert 'page=3&page_size=7>; rel="next"' in links
    assert "o=name" in links


async def test_page_size_is_capped_at_300(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/?page_size=5000")
    assert len(response.json()) == 25
    assert "page_size=300" in response.headers["Link"]


async def test_page_past_the_end_is_404_and_bad_numbers_are_400(
    client: httpx.AsyncClient,
) -> None:
    past = await client.get("/api/users/?page=4")
    assert (past.status_code, past.json()) == (404, {"detail": "Invalid page."})
    bad = await client.get("/api/users/?page=zero")
    assert bad.status_code == 400
    assert "page" in bad.json()
