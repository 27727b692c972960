"""The request's session (`SessionDep`): its writes are committed before the answer is
sent, so a caller who got 201 finds the record at once, and a commit that fails is the
answer rather than a lost write behind a success."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy import func, select

from stackyard_common.app import create_service_app
from stackyard_common.db import Database, SessionDep
from stackyard_common.events import Envelope, outbox, publish
from stackyard_common.settings import Settings

TYPE = "thing.created.v1"


def _router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/things/", status_code=201)
    async def create(session: SessionDep) -> dict[str, str]:
        await publish(session, Envelope(type=TYPE, source="network"))
        return {"detail": "created"}

    return router


async def _written(database: Database) -> int:
    # Another connection than the request's: what any other request would see.
    async with database.session() as session:
        count = await session.scalar(select(func.count()).where(outbox.c.type == TYPE))
    return int(count or 0)


def _post(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"content-length", b"0")],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }


async def test_a_write_is_committed_before_its_answer_starts(platform_settings: Settings) -> None:
    app = create_service_app("network", routers=[_router()], settings=platform_settings)
    async with LifespanManager(app) as manager:
        database: Database = app.state.database
        before = await _written(database)
        seen: list[tuple[int, int]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            # The moment the caller learns the status, the write must be there for all.
            if message["type"] == "http.response.start":
                seen.append((message["status"], await _written(database)))

        await manager.app(_post("/api/things/"), receive, send)
    assert seen == [(201, before + 1)]
