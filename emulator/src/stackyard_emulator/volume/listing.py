"""Cinder's list semantics: filters, ``all_tenants``, sorting, ``limit``/``marker`` links."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from stackyard_emulator.auth import AuthContext
from stackyard_emulator.errors import cinder_error
from stackyard_emulator.pagination import next_href, parse_bool, parse_limit, take
from stackyard_emulator.store import Record, Table

from .views import bad

_PAGING = {
    "limit",
    "marker",
    "sort",
    "sort_key",
    "sort_dir",
    "all_tenants",
    "with_count",
    "offset",
    "detail",
}


def _metadata_filter(raw: str) -> dict[str, str]:
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(raw)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
    raise bad(f"Invalid input received: metadata filter {raw} is not a dictionary.")


def _field_check(name: str, key: str, wanted: str) -> Callable[[Record], bool]:
    if name == "bootable":
        flag = "true" if parse_bool(wanted) else "false"

        def bootable(record: Record) -> bool:
            return record.get("bootable") == flag

        return bootable
    if name == "name" and wanted.endswith("~"):
        # Cinder's "like" filter: name~ matches a substring.
        part = wanted[:-1]

        def like(record: Record) -> bool:
            return part in str(record.get("name") or "")

        return like

    def equal(record: Record) -> bool:
        return str(record.get(key)) == wanted

    return equal


def list_page(
    request: Request,
    table: Table,
    context: AuthContext,
    filters: dict[str, str | None],
    base_url: str,
    plural: str,
    extra_check: Callable[[Record], bool] | None = None,
) -> tuple[list[Record], dict[str, Any]]:
    """A page of ``table`` with Cinder's filters; also the extra body keys (links, count).

    ``filters`` maps accepted query names to record keys (``None``: ``extra_check`` handles
    that name).
    """
    q = request.query_params
    unknown = [
        k
        for k in q
        if k not in _PAGING and k not in filters and k not in ("project_id", "metadata")
    ]
    if unknown:
        raise bad(f"Invalid filters {', '.join(sorted(unknown))} are provided.")
    limit = parse_limit(q.get("limit"), bad, maximum=1000)
    marker = q.get("marker")
    if marker is not None and not table.has_marker(marker):
        raise cinder_error(404, f"Marker {marker} could not be found.")
    all_tenants = parse_bool(q.get("all_tenants")) is True and context.is_admin
    project_ids: list[str] | None = [context.project]
    if all_tenants:
        project_ids = [q["project_id"]] if q.get("project_id") else None
    checks: list[Callable[[Record], bool]] = []
    if extra_check is not None:
        checks.append(extra_check)
    for name, key in filters.items():
        if name not in q or key is None:
            continue
        checks.append(_field_check(name, key, q[name]))
    if q.get("metadata"):
        meta = _metadata_filter(q["metadata"])
        checks.append(lambda r: all(r["metadata"].get(k) == v for k, v in meta.items()))

    def keep(record: Record) -> bool:
        return all(check(record) for check in checks)

    sort = q.get("sort")
    key, direction = "created_at", "desc"
    if sort:
        key, _, direction = sort.split(",")[0].partition(":")
        direction = direction or "desc"
    elif q.get("sort_key"):
        key, direction = q["sort_key"], q.get("sort_dir", "desc")
    if key in ("created_at", "id"):
        source = table.scan(project_ids, newest_first=direction != "asc", marker=marker)
        page, _ = take(source, limit, keep)
        total = None
    else:
        ordered = sorted(
            (r for r in table.scan(project_ids) if keep(r)),
            key=lambda r: (r.get(key) is None, str(r.get(key))),
            reverse=direction == "desc",
        )
        if marker is not None:
            ids = [r["id"] for r in ordered]
            ordered = ordered[ids.index(marker) + 1 :] if marker in ids else []
        page = ordered[:limit] if limit is not None else ordered
    extra: dict[str, Any] = {}
    if page and limit is not None and len(page) == limit:
        extra[f"{plural}_links"] = [
            {"href": next_href(request, base_url, page[-1]["id"]), "rel": "next"}
        ]
    if parse_bool(q.get("with_count")):
        total = sum(1 for r in table.scan(project_ids) if keep(r))
        extra["count"] = total
    return page, extra
