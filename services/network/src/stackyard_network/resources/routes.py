"""The collection routes most kinds of network resource share, added to a kind's router
one by one (so each kind keeps its own order of routes) with the kind's names, summaries,
views and service functions:

    GET    /{key}/           retrieve  200  the record's view, if the caller sees it
    POST   /                 create    202  the new record's view
    PATCH  /{key}/           update    202  the changed record's view
    DELETE /{key}/           delete    202  no body
    POST   /{key}/{action}/  action    202  {"status": "accepted"}

Every route answers the errors of `ACTION_ERRORS`; records the caller may not see are
404. Update, delete and the actions find the record row-locked. A route's `name` is
what FastAPI makes its default operation id from, so a kind passes the name its
hand-written endpoint had. List endpoints stay with their kinds, whose query parameters
differ; `matching` is the filtering they share, and `KindRoutes.listed` their answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Page, paginate
from stackyard_common.auth import CurrentUser, Principal
from stackyard_common.db import SessionDep
from stackyard_network.resources.access import get_visible, visible
from stackyard_network.resources.actions import ACTION_ERRORS

__all__ = ["ACCEPTED", "Find", "KindRoutes", "Reads", "matching"]

M = TypeVar("M")
V = TypeVar("V", bound=BaseModel)
B = TypeVar("B", bound=BaseModel)
E = TypeVar("E", bound=Callable[..., Any])

ACCEPTED = {"status": "accepted"}
"""What an action answers once it is scheduled."""

Reads = Callable[[Request, AsyncSession, list[M]], Awaitable[list[V]]]
"""A kind's API views of its records, in their order."""

Find = Callable[[AsyncSession, Principal, uuid.UUID], Awaitable[M]]
"""The record by its uuid if the caller may see it; `NotFound` otherwise."""


def matching(
    model: Any,
    *,
    name: str | None = None,
    state: list[str] | None = None,
    equal: Iterable[tuple[Any, object]] = (),
) -> list[ColumnElement[bool]]:
    """The list filters the kinds share, in this order: the name holds `name` (any case,
    `%` and `_` as themselves), the state is one of `state`, and each column of `equal`
    is its value. A filter whose value is None (or, for `state`, empty) is left out."""
    conditions: list[ColumnElement[bool]] = []
    if name is not None:
        conditions.append(model.name.icontains(name, autoescape=True))
    if state:
        conditions.append(model.state.in_(state))
    conditions.extend(column == value for column, value in equal if value is not None)
    return conditions


def _typed(endpoint: E, **annotations: object) -> E:
    """`endpoint` with the types of the parameters named in `annotations` set."""
    # FastAPI reads a request body's model from its parameter's annotation; a closure can
    # only name the kind's model through a type variable, which FastAPI cannot read.
    endpoint.__annotations__.update(annotations)
    return endpoint


@dataclass(frozen=True, slots=True)
class KindRoutes(Generic[M, V]):
    """Adds the shared routes of the records of `model` to `router`, each answered with
    `reads` as a `view`. Each method adds one route where it is called."""

    router: APIRouter
    model: type[M]
    view: type[V]
    reads: Reads[M, V]

    def _add(
        self,
        method: str,
        path: str,
        endpoint: Callable[..., Awaitable[Any]],
        name: str,
        summary: str,
        status_code: int | None,
        response_model: Any,
        operation_id: str | None = None,
    ) -> None:
        """Add `method path` named `name` (FastAPI's operation id comes from it unless
        `operation_id` is given); no `status_code` is FastAPI's default, 200."""
        self.router.add_api_route(
            path,
            endpoint,
            methods=[method],
            status_code=status_code,
            response_model=response_model,
            responses=ACTION_ERRORS,
            summary=summary,
            name=name,
            operation_id=operation_id,
        )

    async def listed(
        self,
        request: Request,
        session: AsyncSession,
        principal: Principal,
        page: Page,
        conditions: Iterable[ColumnElement[bool]],
        *order: Any,
    ) -> list[V]:
        """A list endpoint's answer: one page (`page`, its headers set) of the records
        the caller sees that meet `conditions`, in `order`, as views."""
        query = select(self.model).where(visible(principal, self.model), *conditions)
        records = await paginate(session, query.order_by(*order), page)
        return await self.reads(request, session, list(records))

    async def _one(self, request: Request, session: AsyncSession, record: M) -> V:
        return (await self.reads(request, session, [record]))[0]

    async def _locked(self, session: AsyncSession, principal: Principal, key: uuid.UUID) -> M:
        record: M = await get_visible(session, principal, self.model, key, lock=True)
        return record

    def retrieve(
        self,
        name: str,
        summary: str,
        *,
        find: Find[M] | None = None,
        operation_id: str | None = None,
    ) -> None:
        """`GET /{key}/`: the record `find` finds (by default one the caller sees, not
        locked)."""

        async def seen(session: AsyncSession, principal: Principal, key: uuid.UUID) -> M:
            record: M = await get_visible(session, principal, self.model, key)
            return record

        lookup = find or seen

        async def endpoint(
            request: Request, key: uuid.UUID, principal: CurrentUser, session: SessionDep
        ) -> V:
            return await self._one(request, session, await lookup(session, principal, key))

        self._add("GET", "/{key}/", endpoint, name, summary, None, self.view, operation_id)

    def create(
        self,
        name: str,
        summary: str,
        body: type[B],
        create: Callable[[AsyncSession, Principal, B], Awaitable[M]],
    ) -> None:
        """`POST /` with a `body`: the record `create` makes of it, 202."""

        async def endpoint(
            request: Request, data: B, principal: CurrentUser, session: SessionDep
        ) -> V:
            return await self._one(request, session, await create(session, principal, data))

        typed = _typed(endpoint, data=body)
        self._add("POST", "/", typed, name, summary, status.HTTP_202_ACCEPTED, self.view)

    def update(
        self,
        name: str,
        summary: str,
        body: type[B],
        update: Callable[[AsyncSession, Principal, M, B], Awaitable[M]],
    ) -> None:
        """`PATCH /{key}/` with a `body`: the record as `update` leaves it, 202."""

        async def endpoint(
            request: Request, key: uuid.UUID, data: B, principal: CurrentUser, session: SessionDep
        ) -> V:
            record = await self._locked(session, principal, key)
            record = await update(session, principal, record, data)
            return await self._one(request, session, record)

        typed = _typed(endpoint, data=body)
        self._add("PATCH", "/{key}/", typed, name, summary, status.HTTP_202_ACCEPTED, self.view)

    def delete(
        self,
        name: str,
        summary: str,
        delete: Callable[[AsyncSession, Principal, M], Awaitable[None]],
        *,
        find: Find[M] | None = None,
    ) -> None:
        """`DELETE /{key}/`: `delete` on the record `find` finds (by default one the
        caller sees, row-locked), 202 with no body."""
        lookup = find or self._locked

        async def endpoint(key: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
            await delete(session, principal, await lookup(session, principal, key))
            return Response(status_code=status.HTTP_202_ACCEPTED)

        self._add("DELETE", "/{key}/", endpoint, name, summary, status.HTTP_202_ACCEPTED, None)

    def action(
        self,
        name: str,
        summary: str,
        body: type[B],
        act: Callable[[AsyncSession, Principal, M, B], Awaitable[None]],
    ) -> None:
        """`POST /{key}/{name}/` with a `body`: `act` on the record (row-locked), 202 with
        `ACCEPTED`."""

        async def endpoint(
            key: uuid.UUID, data: B, principal: CurrentUser, session: SessionDep
        ) -> dict[str, str]:
            await act(session, principal, await self._locked(session, principal, key), data)
            return ACCEPTED

        typed = _typed(endpoint, data=body)
        self._add(
            "POST",
            f"/{{key}}/{name}/",
            typed,
            name,
            summary,
            status.HTTP_202_ACCEPTED,
            dict[str, str],
        )
