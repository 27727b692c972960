"""The pull and staff routes a service adds for one kind of record: their published shape
(path parameter, operation ids, status codes) and what each asks of the service."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from stackyard_common.api import NotFound, PermissionDenied, error_responses, install_error_handlers
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_common.resources import action_routes
from stackyard_common.resources.action_routes import add_pull_route, add_staff_routes
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import ResourceState

ERRORS = error_responses(PermissionDenied, NotFound)
STAFF = Principal(uuid.uuid4(), "root", is_staff=True)
USER = Principal(uuid.uuid4(), "alice")


@dataclass
class Calls:
    """What the routes asked of the service, in order."""

    made: list[tuple[Any, ...]] = field(default_factory=list)


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def app(calls: Calls, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    record = object()

    async def get_visible(
        session: object, principal: Principal, model: object, key: uuid.UUID, lock: bool
    ) -> object:
        calls.made.append(("found", key, lock))
        return record

    async def writable(session: object, principal: Principal, key: uuid.UUID) -> object:
        calls.made.append(("writable", principal.username, key))
        return record

    async def pull(session: object, found: object, actor: Actor) -> None:
        calls.made.append(("pull", found is record, actor.username))

    async def force_state(
        session: object, found: object, state: ResourceState, message: str, actor: Actor
    ) -> None:
        calls.made.append(("force", found is record, state, message, actor.username))

    async def unlink(session: object, found: object, actor: Actor) -> None:
        calls.made.append(("unlink", found is record, actor.username))

    # The lookup is the only database access the routes make themselves.
    monkeypatch.setattr(action_routes, "get_visible", get_visible)
    router = APIRouter(prefix="/api/things")
    add_pull_route(
        router, key="thing_uuid", writable=writable, pull=pull, responses=ERRORS, summary="Pull"
    )
    add_staff_routes(
        router,
        object,  # type: ignore[arg-type]
        key="thing_uuid",
        label="Thing",
        force_state=force_state,
        unlink=unlink,
        responses=ERRORS,
        unlink_summary="Forget the thing (staff)",
    )
    made = FastAPI()
    install_error_handlers(made)
    made.include_router(router)
    return made


def _as(app: FastAPI, principal: Principal) -> None:
    (user,) = CurrentUser.__metadata__  # type: ignore[attr-defined]
    (session,) = SessionDep.__metadata__  # type: ignore[attr-defined]
    app.dependency_overrides[user.dependency] = lambda: principal
    app.dependency_overrides[session.dependency] = lambda: None


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as made:
        yield made


def test_the_routes_publish_the_services_parameter_and_default_operation_ids(
    app: FastAPI,
) -> None:
    paths = app.openapi()["paths"]
    published = {
        path: (
            operation["operationId"],
            [parameter["name"] for parameter in operation["parameters"]],
            sorted(code for code in operation["responses"] if code.startswith("2")),
            operation["summary"],
        )
        for path, methods in paths.items()
        for operation in methods.values()
    }
    assert list(published) == [
        "/api/things/{thing_uuid}/pull/",
        "/api/things/{thing_uuid}/set_erred/",
        "/api/things/{thing_uuid}/set_ok/",
        "/api/things/{thing_uuid}/unlink/",
    ]
    assert published["/api/things/{thing_uuid}/pull/"] == (
        "pull_api_things__thing_uuid__pull__post",
        ["thing_uuid"],
        ["202"],
        "Pull",
    )
    assert published["/api/things/{thing_uuid}/set_erred/"][:3] == (
        "set_erred_api_things__thing_uuid__set_erred__post",
        ["thing_uuid"],
        ["200"],
    )
    assert published["/api/things/{thing_uuid}/unlink/"] == (
        "unlink_api_things__thing_uuid__unlink__post",
        ["thing_uuid"],
        ["204"],
        "Forget the thing (staff)",
    )


async def test_pull_asks_the_services_lookup_then_starts_the_pull(
    app: FastAPI, client: httpx.AsyncClient, calls: Calls
) -> None:
    _as(app, USER)
    key = uuid.uuid4()
    answer = await client.post(f"/api/things/{key}/pull/")
    assert answer.status_code == 202
    assert answer.json() == {"detail": "Pull operation was successfully scheduled."}
    assert calls.made == [("writable", "alice", key), ("pull", True, "alice")]


async def test_staff_routes_refuse_anyone_but_staff_before_looking_up(
    app: FastAPI, client: httpx.AsyncClient, calls: Calls
) -> None:
    _as(app, USER)
    for action in ("set_erred", "set_ok", "unlink"):
        answer = await client.post(f"/api/things/{uuid.uuid4()}/{action}/")
        assert answer.status_code == 403
    assert calls.made == []


async def test_staff_force_the_state_and_unlink(
    app: FastAPI, client: httpx.AsyncClient, calls: Calls
) -> None:
    _as(app, STAFF)
    key = uuid.uuid4()
    erred = await client.post(f"/api/things/{key}/set_erred/", json={"error_message": "gone"})
    assert (erred.status_code, erred.json()) == (200, {"detail": "Thing has been marked as erred."})
    ok = await client.post(f"/api/things/{key}/set_ok/")
    assert (ok.status_code, ok.json()) == (200, {"detail": "Thing has been marked as OK."})
    unlinked = await client.post(f"/api/things/{key}/unlink/")
    assert (unlinked.status_code, unlinked.content) == (204, b"")
    assert calls.made == [
        ("found", key, True),
        ("force", True, ResourceState.ERRED, "gone", "root"),
        ("found", key, True),
        ("force", True, ResourceState.OK, "", "root"),
        ("found", key, True),
        ("unlink", True, "root"),
    ]
