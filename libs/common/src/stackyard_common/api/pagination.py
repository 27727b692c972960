"""Page-number pagination in the reference API's shape.

`?page=` (from 1) and `?page_size=` (default 10, at most 300; larger values are cut to
300). The body is a bare JSON list; the headers carry the rest: `X-Result-Count` (all
matching rows) and `Link` with `first`, `prev`, `next` and `last` URLs. A page past the
last one is a 404, as in the reference API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api.errors import NotFound

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "Page", "PageDep", "paginate"]

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 300

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """The page a request asks for, and where to write the pagination headers."""

    number: int
    size: int
    request: Request
    response: Response

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def set_headers(self, total: int) -> None:
        """Write `X-Result-Count` and `Link` for a result of `total` rows.

        Raises `NotFound` when the page lies past the last one.
        """
        last = max(1, -(-total // self.size))
        if self.number > last:
            raise NotFound("Invalid page.")
        links = {"first": 1, "last": last}
        if self.number > 1:
            links["prev"] = self.number - 1
        if self.number < last:
            links["next"] = self.number + 1
        base = self.request.url
        parts = [
            f'<{base.include_query_params(page=number, page_size=self.size)}>; rel="{rel}"'
            for rel, number in sorted(links.items(), key=lambda item: _LINK_ORDER[item[0]])
        ]
        self.response.headers["X-Result-Count"] = str(total)
        self.response.headers["Link"] = ", ".join(parts)


_LINK_ORDER = {"first": 0, "prev": 1, "next": 2, "last": 3}


def _page(
    request: Request,
    response: Response,
    page: Annotated[int, Query(ge=1, description="Page number, from 1.")] = 1,
    page_size: Annotated[
        int, Query(ge=1, description=f"Rows per page (at most {MAX_PAGE_SIZE}).")
    ] = DEFAULT_PAGE_SIZE,
) -> Page:
    return Page(page, min(page_size, MAX_PAGE_SIZE), request, response)


PageDep = Annotated[Page, Depends(_page)]


async def paginate(session: AsyncSession, query: Select[Any], page: Page) -> Sequence[Any]:
    """Run `query` for one page (ordered as the query orders) and set the headers.

    The query selects ORM entities or rows; a count of the same query gives the total.
    """
    total = (
        await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    page.set_headers(total)
    result = await session.execute(query.limit(page.size).offset(page.offset))
    return list(result.scalars().all())
