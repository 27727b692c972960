"""Lists that follow the API's own pagination to the last page.

Nova, Neutron and Cinder put a `<collection>_links` list with a `rel: next` entry in
every page but the last; Glance a `next` path; Keystone a `links.next` URL. The next
page is asked for with the query of that link, on our own endpoint: the link's host is
the one the cloud believes in, which behind a proxy may not be reachable from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from ._session import CloudSession, Params

__all__ = ["paginate"]


def _next_link(body: dict[str, Any], key: str) -> str | None:
    links = body.get(f"{key}_links")
    if isinstance(links, list):
        for link in links:
            if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
                return str(link["href"])
    glance_next = body.get("next")
    if isinstance(glance_next, str) and glance_next:
        return glance_next
    keystone = body.get("links")
    if isinstance(keystone, dict) and isinstance(keystone.get("next"), str):
        return str(keystone["next"])
    return None


async def paginate(
    session: CloudSession,
    service: str,
    path: str,
    key: str,
    *,
    params: Params | None = None,
    microversion: str | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every item of the collection `key` at `path`, page after page, to the end."""
    query: Params | None = params
    seen: set[str] = set()
    while True:
        response = await session.request(
            service, "GET", path, params=query, microversion=microversion
        )
        body = response.json()
        items = body.get(key) or []
        for item in items:
            yield item
        link = _next_link(body, key)
        if not link or not items:
            return
        next_query = httpx.URL(link).query.decode()
        if next_query in seen:  # a cloud that repeats its marker would loop forever
            return
        seen.add(next_query)
        pairs = httpx.URL(link).params.multi_items()
        merged: dict[str, list[str]] = {}
        for name, value in pairs:
            merged.setdefault(name, []).append(value)
        query = {name: values[0] if len(values) == 1 else values for name, values in merged.items()}
