"""Query-string and pagination helpers shared by every service."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

from starlette.requests import Request

from .errors import ApiError
from .store import Record

Predicate = Callable[[Record], bool]
ErrorFactory = Callable[[str], ApiError]

_TRUE = {"true", "1", "yes", "on", "t", "y"}
_FALSE = {"false", "0", "no", "off", "f", "n"}


def parse_bool(value: str | None) -> bool | None:
    """``True``/``False`` for the spellings OpenStack accepts, ``None`` otherwise."""
    if value is None:
        return None
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


def parse_limit(raw: str | None, error: ErrorFactory, maximum: int | None = None) -> int | None:
    """A non-negative ``limit`` capped at ``maximum``; ``error`` builds the 400."""
    if raw is None or raw == "":
        return maximum
    try:
        value = int(raw)
    except ValueError:
        raise error(f"limit param must be an integer: {raw}") from None
    if value < 0:
        raise error("limit param must be positive")
    if maximum is not None:
        value = min(value, maximum)
    return value


def take(
    records: Iterable[Record], limit: int | None, predicate: Predicate | None = None
) -> tuple[list[Record], bool]:
    """Up to ``limit`` records passing ``predicate`` and whether another one follows."""
    page: list[Record] = []
    for record in records:
        if predicate is not None and not predicate(record):
            continue
        if limit is not None and len(page) >= limit:
            return page, True
        page.append(record)
    return page, False


def next_href(request: Request, base_url: str, marker: str, drop: Iterable[str] = ()) -> str:
    """The URL of the page after ``marker``: this request's query with a new marker."""
    skip = {"marker", *drop}
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in skip]
    params.append(("marker", marker))
    return f"{base_url}{request.url.path}?{urlencode(params)}"


def multi(request: Request, name: str) -> list[str]:
    """Every value of a repeatable query parameter, comma lists split."""
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values.extend(v for v in raw.split(",") if v)
    return values


def tag_filter(request: Request) -> Predicate | None:
    """The ``tags``/``tags-any``/``not-tags``/``not-tags-any`` filter, if any is given."""
    all_of = set(multi(request, "tags"))
    any_of = set(multi(request, "tags-any"))
    not_all = set(multi(request, "not-tags"))
    not_any = set(multi(request, "not-tags-any"))
    if not (all_of or any_of or not_all or not_any):
        return None

    def matches(record: Record) -> bool:
        tags = set(record.get("tags") or ())
        if all_of and not all_of <= tags:
            return False
        if any_of and not any_of & tags:
            return False
        if not_all and not_all <= tags:
            return False
        return not (not_any and not_any & tags)

    return matches


def all_of(predicates: Iterable[Predicate | None]) -> Predicate | None:
    """One predicate that requires every given one (``None`` entries ignored)."""
    active = [p for p in predicates if p is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]

    def matches(record: Record) -> bool:
        return all(p(record) for p in active)

    return matches


def iter_pairs(request: Request) -> Iterator[tuple[str, str]]:
    """The query parameters in order, repeated keys included."""
    yield from request.query_params.multi_items()
