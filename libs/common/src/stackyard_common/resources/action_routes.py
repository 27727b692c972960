"""The routes every resource record's collection has for reading it back from the cloud
and for staff's repairs, added to a service's router with the service's own lookups and
actions:

    POST /{key}/pull/        writers   202  {"detail": "Pull operation was ..."}
    POST /{key}/set_erred/   staff     200  {"detail": "<Label> has been marked as erred."}
    POST /{key}/set_ok/      staff     200  {"detail": "<Label> has been marked as OK."}
    POST /{key}/unlink/      staff     204  (the record forgotten, the cloud untouched)

`{key}` is the path parameter's name as the service publishes it (`instance_uuid`,
`volume_uuid`, ...). The routes keep the names `pull`, `set_erred`, `set_ok` and
`unlink`, so their OpenAPI operation ids are FastAPI's default ones for those names.
Staff routes check staff first, then look the record up (404 when it does not exist).
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoints' annotations,
# and the path parameter's annotation names a local (`Key`), which a string annotation
# could not be resolved to.

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import CurrentUser, Principal, ensure_staff
from stackyard_common.db import SessionDep
from stackyard_common.resources.access import get_visible
from stackyard_common.resources.events import Actor
from stackyard_common.resources.records import ResourceColumns, ResourceState
from stackyard_common.resources.schemas import SetErredRequest

__all__ = ["Act", "ForceState", "Lookup", "Responses", "add_pull_route", "add_staff_routes"]

R = TypeVar("R", bound=ResourceColumns)

Responses = dict[int | str, dict[str, Any]]
"""OpenAPI `responses`, as `stackyard_common.api.error_responses` makes them."""

Lookup = Callable[[AsyncSession, Principal, uuid.UUID], Awaitable[R]]
"""The record by its uuid for the caller, or an API error (404, 403)."""

Act = Callable[[AsyncSession, R, Actor], Awaitable[None]]
"""An action on a found record, in the caller's transaction."""

ForceState = Callable[[AsyncSession, R, ResourceState, str, Actor], Awaitable[None]]
"""Set the record's state and error message, and announce it."""


def add_pull_route(
    router: APIRouter,
    *,
    key: str,
    writable: Lookup[R],
    pull: Act[R],
    responses: Responses,
    summary: str,
    name: str = "pull",
) -> None:
    """Add `POST /{key}/pull/` to `router`: the record found by `writable` (which decides
    who may), `pull` started on it, and 202 with the detail every pull answers.
    `name` is the route's name, from which FastAPI makes its operation id."""
    Key = Annotated[uuid.UUID, Path(alias=key)]  # noqa: N806 (a type, named as one)

    async def pull_route(
        record_uuid: Key, principal: CurrentUser, session: SessionDep
    ) -> dict[str, str]:
        record = await writable(session, principal, record_uuid)
        await pull(session, record, Actor.of(principal))
        return {"detail": "Pull operation was successfully scheduled."}

    _post(router, key, "pull", pull_route, status.HTTP_202_ACCEPTED, responses, summary, name)


def add_staff_routes(
    router: APIRouter,
    model: type[R],
    *,
    key: str,
    label: str,
    force_state: ForceState[R],
    unlink: Act[R],
    responses: Responses,
    unlink_summary: str,
) -> None:
    """Add staff's `set_erred`, `set_ok` and `unlink` of `model` to `router`, in that
    order. Each answers 403 to anyone but staff before looking the record up (row-locked)
    and 404 when there is none; `set_erred` takes an optional `SetErredRequest`.
    `force_state` and `unlink` do the work and announce it; `label` names the record in
    the answers ("Instance has been marked as erred.")."""
    Key = Annotated[uuid.UUID, Path(alias=key)]  # noqa: N806 (a type, named as one)

    async def found(session: AsyncSession, principal: Principal, record_uuid: uuid.UUID) -> R:
        ensure_staff(principal)
        return await get_visible(session, principal, model, record_uuid, lock=True)

    async def set_erred(
        record_uuid: Key,
        principal: CurrentUser,
        session: SessionDep,
        data: SetErredRequest | None = None,
    ) -> dict[str, str]:
        record = await found(session, principal, record_uuid)
        message = (data or SetErredRequest()).error_message
        await force_state(session, record, ResourceState.ERRED, message, Actor.of(principal))
        return {"detail": f"{label} has been marked as erred."}

    async def set_ok(
        record_uuid: Key, principal: CurrentUser, session: SessionDep
    ) -> dict[str, str]:
        record = await found(session, principal, record_uuid)
        await force_state(session, record, ResourceState.OK, "", Actor.of(principal))
        return {"detail": f"{label} has been marked as OK."}

    async def unlink_route(
        record_uuid: Key, principal: CurrentUser, session: SessionDep
    ) -> Response:
        record = await found(session, principal, record_uuid)
        await unlink(session, record, Actor.of(principal))
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    # No status code for set_erred and set_ok: FastAPI's default (200), as they always had.
    for action, endpoint, code, summary in (
        ("set_erred", set_erred, None, "Force ERRED (staff)"),
        ("set_ok", set_ok, None, "Force OK (staff)"),
        ("unlink", unlink_route, status.HTTP_204_NO_CONTENT, unlink_summary),
    ):
        _post(router, key, action, endpoint, code, responses, summary, action)


def _post(
    router: APIRouter,
    key: str,
    action: str,
    endpoint: Callable[..., Awaitable[Any]],
    status_code: int | None,
    responses: Responses,
    summary: str,
    name: str,
) -> None:
    """Add `POST /{key}/{action}/` named `name` (FastAPI's operation id comes from it)."""
    router.add_api_route(
        f"/{{{key}}}/{action}/",
        endpoint,
        methods=["POST"],
        status_code=status_code,
        responses=responses,
        summary=summary,
        name=name,
    )
